import { describe, expect, test } from 'vitest'
import { normalizeNodeDef, normalizeObjectInfo } from '../../src/defs/normalize.js'
import type { AutogrowInputDef, ComboInputDef, DynamicComboInputDef, MatchTypeInputDef, NumberInputDef } from '../../src/defs/model.js'
import { ObjectInfoError } from '../../src/errors.js'
import { parseObjectInfo } from '../../src/defs/load.js'
import { loadDefs, OBJECT_INFO_FILES, readFixture } from '../helpers/fixtures.js'

describe(normalizeObjectInfo.name, () => {
  test.each(Object.entries(OBJECT_INFO_FILES))('accepts every class of %s', (_name, file) => {
    const text = readFixture('object_info', file)
    const raw = JSON.parse(text) as Record<string, unknown>
    const { defs, problems } = parseObjectInfo(text)
    expect(problems).toEqual([])
    expect(defs.classes.size).toBe(Object.keys(raw).length)
  })

  test('core v0.26.0 has 792 classes and KSampler as the server describes it', () => {
    const defs = loadDefs('core026')
    expect(defs.classes.size).toBe(792)
    const ks = defs.classes.get('KSampler')
    expect(ks?.inputs.map((i) => i.name)).toEqual([
      'model', 'seed', 'steps', 'cfg', 'sampler_name', 'scheduler', 'positive', 'negative', 'latent_image', 'denoise',
    ])
    const seed = ks?.inputs[1] as NumberInputDef
    expect(seed.kind).toBe('INT')
    // 2^64 - 1 survives parsing exactly:
    expect(seed.max).toBe(18446744073709551615n)
    expect(seed.controlAfterGenerate).toBe(true)
    const sampler = ks?.inputs[4] as ComboInputDef
    expect(sampler.v1Combo).toBe(true)
    expect(sampler.fileBacked).toBe(false)
    expect(sampler.options).toContain('euler')
    expect(ks?.outputs).toMatchObject([{ index: 0, type: 'LATENT', types: ['LATENT'], name: 'LATENT', isList: false }])
  })

  test('file-backed combos, hidden inputs and output nodes', () => {
    const defs = loadDefs('core026')
    const ckpt = defs.classes.get('CheckpointLoaderSimple')?.inputs[0] as ComboInputDef
    expect(ckpt.fileBacked).toBe(true)
    const loadImage = defs.classes.get('LoadImage')?.inputs[0] as ComboInputDef
    expect(loadImage.fileBacked).toBe(true)
    const save = defs.classes.get('SaveImage')
    expect(save?.outputNode).toBe(true)
    expect(save?.hidden).toEqual([
      { name: 'prompt', type: 'PROMPT' },
      { name: 'extra_pnginfo', type: 'EXTRA_PNGINFO' },
    ])
  })

  test('V3 dynamic types: Autogrow, DynamicCombo, MatchType', () => {
    const defs = loadDefs('core026')
    const batch = defs.classes.get('BatchImagesNode')?.inputs[0] as AutogrowInputDef
    expect(batch.kind).toBe('AUTOGROW')
    expect(batch.prefix).toBe('image')
    expect(batch.names.slice(0, 2)).toEqual(['image0', 'image1'])
    expect(batch.template.type).toBe('IMAGE')
    const resize = defs.classes.get('ResizeImageMaskNode')
    const input = resize?.inputs[0] as MatchTypeInputDef
    expect(input.kind).toBe('MATCHTYPE')
    expect(input.allowedTypes).toEqual(['IMAGE', 'MASK'])
    expect(resize?.outputs[0]?.matchType).toBe('input_type')
    const resizeType = resize?.inputs[1] as DynamicComboInputDef
    expect(resizeType.kind).toBe('DYNAMIC_COMBO')
    expect(resizeType.choices[0]?.key).toBe('scale dimensions')
    expect(resizeType.choices[0]?.inputs.map((i) => i.name)).toEqual(['width', 'height', 'crop'])
  })

  test('dotted input names are kept as they are', () => {
    const merge = loadDefs('core026').classes.get('ModelMergeSD1')
    expect(merge?.inputs.map((i) => i.name)).toContain('input_blocks.0.')
  })

  test('absent optional fields get defaults', () => {
    const def = normalizeNodeDef('Tiny', { input: {}, output: ['IMAGE'] })
    expect(def).toMatchObject({ displayName: 'Tiny', description: '', outputNode: false, inputs: [], hidden: [] })
    expect(def.outputs[0]).toMatchObject({ name: 'IMAGE', isList: false })
  })

  test.each([
    [{ input: { required: { seed: ['INT', { min: 'a' }] } }, output: [] }, 'seed', 'min', 'number or bigint'],
    [{ input: { required: { seed: [5] } }, output: [] }, 'seed', 'type', 'a type name or a list of combo options'],
    [{ input: { required: { x: ['COMBO', { options: 'abc' }] } }, output: [] }, 'x', 'options', 'array'],
    [{ input: {}, output: 'IMAGE' }, undefined, 'output', 'array'],
    [{ input: { required: { g: ['COMFY_AUTOGROW_V3', {}] } }, output: [] }, 'g', 'template', 'an object'],
  ])('a malformed definition names class, input and field (%#)', (info, input, field, expected) => {
    let error: unknown
    try {
      normalizeNodeDef('Broken', info)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ObjectInfoError)
    const e = error as ObjectInfoError
    expect(e.classType).toBe('Broken')
    expect(e.inputName).toBe(input)
    expect(e.field).toBe(field)
    expect(e.expected).toContain(expected)
    expect(e.message).toContain('class "Broken"')
  })

  test('onError: skip leaves a broken class out and reports it', () => {
    const { defs, problems } = normalizeObjectInfo(
      { Good: { input: {}, output: [] }, Bad: { input: { required: { a: 'INT' } }, output: [] } },
      { onError: 'skip' },
    )
    expect([...defs.classes.keys()]).toEqual(['Good'])
    expect(problems[0]?.classType).toBe('Bad')
  })
})
