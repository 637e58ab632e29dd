/**
 * The editor's widget rules (src/convert/editor-widgets.ts): which widgets a definition gets, in which order, what is
 * written to the file and what is sent; and the two directions agreeing with each other on every core class.
 */
import { describe, expect, test } from 'vitest'
import { audioUiValue, editorWidgets, toWidgetsValues } from '../../src/convert/editor-widgets.js'
import { uiToApi } from '../../src/convert/ui-to-api.js'
import type { NodeDef } from '../../src/defs/model.js'
import { parseObjectInfo } from '../../src/defs/load.js'
import { loadDefs } from '../helpers/fixtures.js'
import { uiNode, uiWorkflow } from './ui-workflow-builder.js'

const defs = loadDefs('core026')
const def = (name: string): NodeDef => defs.classes.get(name) ?? (() => { throw new Error(name) })()
const layout = (d: NodeDef) => editorWidgets(d).map((w) => [w.name, w.kind, w.persisted, w.sent])
const convertOne = (type: string, widgets: unknown[] | undefined) =>
  uiToApi(uiWorkflow([uiNode(1, type, widgets === undefined ? {} : { widgets })]), defs, { random: () => 0.25 })

describe('the widgets of a definition', () => {
  test('a seed gets a control widget that is written but not sent', () => {
    expect(layout(def('KSampler')).slice(0, 3)).toEqual([
      ['seed', 'input', true, true],
      ['control_after_generate', 'control', true, false],
      ['steps', 'input', true, true],
    ])
  })

  test('the upload button comes after the last required input, before the optional ones', () => {
    const { defs: custom } = parseObjectInfo(
      JSON.stringify({
        Loader: {
          input: { required: { image: [['a.png'], { image_upload: true }], strength: ['FLOAT', { default: 1 }] }, optional: { mode: [['x', 'y']] } },
          output: ['IMAGE'],
          name: 'Loader',
        },
      }),
    )
    expect(layout(custom.classes.get('Loader') as NodeDef)).toEqual([
      ['image', 'input', true, true],
      ['strength', 'input', true, true],
      ['upload', 'upload', true, false],
      ['mode', 'input', true, true],
    ])
  })

  test('Load3D: three buttons and the scene widget in place of the LOAD_3D input, all written and sent', () => {
    expect(layout(def('Load3D')).map(([name]) => name)).toEqual([
      'model_file', 'upload 3d model', 'upload extra resources', 'clear', 'image', 'width', 'height',
    ])
    const { prompt } = convertOne('Load3D', ['toy.glb', 'upload3dmodel', 'uploadExtraResources', 'clear', '', 1024, 768])
    expect(prompt['1']?.inputs).toEqual({
      model_file: 'toy.glb', 'upload 3d model': 'upload3dmodel', 'upload extra resources': 'uploadExtraResources', clear: 'clear', image: '', width: 1024, height: 768,
    })
  })

  test('a remote combo with a refresh button: a toggle (written) and the button (written and sent)', () => {
    expect(layout(def('LoadImageOutput'))).toEqual([
      ['image', 'input', true, true],
      ['auto-refresh', 'button', true, false],
      ['refresh', 'button', true, true],
      ['upload', 'upload', true, false],
    ])
  })

  test('PreviewAny: two previews sent but not written, and the mode toggle', () => {
    expect(toWidgetsValues(def('PreviewAny'))).toEqual([false])
    // What editor 1.43.5 writes (absolute positions) reads back shifted, in the editor as here:
    expect(convertOne('PreviewAny', [null, null, true]).prompt['1']?.inputs['previewMode']).toBeNull()
    expect(convertOne('PreviewAny', [true]).prompt['1']?.inputs).toEqual({ preview_markdown: '', preview_text: '', previewMode: true })
  })

  test('LoadAudio: the player (sent, not written) shows the chosen file’s URL; the upload button is written', () => {
    expect(layout(def('LoadAudio'))).toEqual([
      ['audio', 'input', true, true],
      ['audioUI', 'extension', false, true],
      ['upload', 'upload', true, false],
    ])
    expect(convertOne('LoadAudio', ['voices/a b.wav', '']).prompt['1']?.inputs).toEqual({
      audio: 'voices/a b.wav',
      audioUI: '/api/view?filename=a%20b.wav&type=input&subfolder=voices&rand=0.25',
    })
    expect(audioUiValue('SaveAudio', 'x.wav', true, Math.random)).toBe('')
  })

  test('CustomCombo: the index of the choice, and one more (empty) option after the last filled one', () => {
    expect(convertOne('CustomCombo', ['b', 7, 'a', 'b']).prompt['1']?.inputs).toEqual({ choice: 'b', index: 1, option1: 'a', option2: 'b', option3: '' })
    expect(editorWidgets(def('CustomCombo'), { option1: 'x' }).map((w) => w.name)).toEqual(['choice', 'index', 'option1', 'option2'])
    expect(toWidgetsValues(def('CustomCombo'), { choice: 'y', option1: 'x', option2: 'y' })).toEqual(['y', 1, 'x', 'y', ''])
  })

  test('ImageCompare’s view holds two empty images, sent as a list', () => {
    expect(convertOne('ImageCompare', undefined).prompt['1']?.inputs).toEqual({ compare_view: { __value__: ['', ''] } })
  })

  test('a node saved without widget values gets every default, as the editor shows it', () => {
    const { prompt, warnings } = convertOne('SaveImage', undefined)
    expect(prompt['1']?.inputs).toEqual({ filename_prefix: 'ComfyUI' })
    expect(warnings.map((w) => w.code)).toEqual(['widget_default_used'])
  })

  test('a combo saved as null shows its first option; one without options stays null', () => {
    expect(convertOne('LoadImageMask', [null, 'alpha', 'image']).prompt['1']?.inputs).toEqual({ image: 'example.png', channel: 'alpha' })
    expect(convertOne('LoadVideo', [null, 'image']).prompt['1']?.inputs).toEqual({ file: null })
  })
})

describe('writing and reading agree', () => {
  test('for every core class, the values written for its defaults read back as the inputs the editor sends', () => {
    let checked = 0
    for (const d of defs.classes.values()) {
      const values = JSON.parse(JSON.stringify(toWidgetsValues(d), (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))) as unknown[]
      const sent = editorWidgets(d).filter((w) => w.sent && w.default !== undefined)
      const { prompt } = uiToApi(uiWorkflow([uiNode(1, d.classType, { widgets: values })]), defs, { dynamicPrompts: 'keep', random: () => 0 })
      const inputs = JSON.parse(JSON.stringify(prompt['1']?.inputs ?? {}, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))) as Record<string, unknown>
      for (const widget of sent) {
        if (widget.name === 'audioUI' || widget.name === 'index') continue
        const expected = JSON.parse(JSON.stringify(widget.default, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))) as unknown
        expect(inputs[widget.name], `${d.classType}.${widget.name}`).toEqual(Array.isArray(expected) ? { __value__: expected } : expected)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(2000)
  })
})
