/**
 * Which combos are file pickers: decided from what the server says (upload flags, folder-backed lists, model
 * inputs, file names), never from a `/` alone. The validator shares the rule: under `files: 'assume-present'`
 * a file picker accepts any name, a plain list still rejects what it does not list.
 */
import { describe, expect, test } from 'vitest'
import { generateNodeFiles } from '../../src/codegen/generate.js'
import { isFileBackedCombo, looksLikeFile } from '../../src/defs/file-combos.js'
import type { InputDef } from '../../src/defs/model.js'
import { validate } from '../../src/validate/index.js'
import { loadDefs } from '../helpers/fixtures.js'

describe(looksLikeFile.name, () => {
  test.each([
    ['v1-5-pruned-emaonly.safetensors', true],
    ['SDXL/juggernaut.safetensors', true],
    ['sub\\dir\\model.q4k', true],
    ['upscale/4x-foo.pth', true],
    ['FreeMono.ttf', true],
    ['K+V w/ C penalty', false],
    ['hed/pidi/scribble/ted', false],
    ['image/gif', false],
    ['pro mode / 5s duration / kling-v2.1', false],
    ['Kijai/clipseg-rd64-refined-fp16', false],
    ['google/gemini-2.5-pro', false],
    ['1.5', false],
    [7, false],
  ])('%s -> %s', (option, expected) => {
    expect(looksLikeFile(option)).toBe(expected)
  })
})

describe(isFileBackedCombo.name, () => {
  test('the server decides: flags, folders, model inputs, empty lists and file names', () => {
    expect(isFileBackedCombo(['a.png'], {})).toBe(true)
    expect(isFileBackedCombo(['none'], { image_upload: true })).toBe(true)
    expect(isFileBackedCombo(['x'], { image_folder: 'output' })).toBe(true)
    expect(isFileBackedCombo(['pixel_space'], {}, 'vae_name')).toBe(true)
    expect(isFileBackedCombo([], {})).toBe(true)
    expect(isFileBackedCombo(['auto', 'hed/pidi/scribble/ted', 'canny/lineart/anime_lineart/mlsd'], {})).toBe(false)
    expect(isFileBackedCombo(['none', 'K+V w/ C penalty'], {})).toBe(false)
  })

  test('the real core lists with a slash are plain choices (v0.26.0 snapshot)', () => {
    const defs = loadDefs('core026')
    const input = (classType: string, name: string): InputDef | undefined => defs.classes.get(classType)?.inputs.find((i) => i.name === name)
    for (const [classType, name] of [
      ['SetUnionControlNetType', 'type'],
      ['FluxKontextMultiReferenceLatentMethod', 'reference_latents_method'],
      ['KlingTextToVideoNode', 'mode'],
    ] as const) {
      expect(input(classType, name), `${classType}.${name}`).toMatchObject({ kind: 'COMBO', fileBacked: false })
    }
    expect(input('CheckpointLoaderSimple', 'ckpt_name')).toMatchObject({ kind: 'COMBO', fileBacked: true })
  })

  test('codegen gives them literal unions', async () => {
    const files = await generateNodeFiles(loadDefs('core026'))
    const text = files.map((f) => f.text).join('\n')
    expect(text).toContain(`readonly type: ComboInput<'auto' | 'openpose' | 'depth' | 'hed/pidi/scribble/ted' |`)
    expect(text).toContain(`readonly reference_latents_method: ComboInput<'offset' | 'index' | 'uxo/uno' | 'index_timestep_zero'>;`)
  })

  test('the validator assumes files present only for file pickers', () => {
    const prompt = (method: string): Record<string, unknown> => ({
      '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'not-on-this-server.safetensors' } },
      '2': { class_type: 'CLIPTextEncode', inputs: { text: 'a cat', clip: ['1', 1] } },
      '3': { class_type: 'FluxKontextMultiReferenceLatentMethod', inputs: { conditioning: ['2', 0], reference_latents_method: method } },
      '4': { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } },
      '5': {
        class_type: 'KSampler',
        inputs: {
          model: ['1', 0], seed: 1, steps: 20, cfg: 7, sampler_name: 'euler', scheduler: 'normal',
          positive: ['3', 0], negative: ['2', 0], latent_image: ['4', 0], denoise: 1,
        },
      },
      '6': { class_type: 'VAEDecode', inputs: { samples: ['5', 0], vae: ['1', 2] } },
      '7': { class_type: 'SaveImage', inputs: { images: ['6', 0], filename_prefix: 'x' } },
    })
    const defs = loadDefs('core026')
    expect(validate(prompt('uxo/uno'), defs, { files: 'assume-present' }).accepted).toBe(true)
    const wrong = validate(prompt('uxo/unknown'), defs, { files: 'assume-present' })
    expect(wrong.accepted).toBe(false)
    expect(wrong.nodeErrors['3']?.errors[0]).toMatchObject({ type: 'value_not_in_list', extra_info: { input_name: 'reference_latents_method' } })
  })
})
