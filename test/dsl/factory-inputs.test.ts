/** Factories called from JavaScript (or through `any`) catch unknown input names and missing required inputs. */
import { describe, expect, test } from 'vitest'
import { coreDefs } from '../../src/defs/core/index.js'
import { node, nodeFactory } from '../../src/dsl/node.js'
import { toPrompt } from '../../src/dsl/prompt.js'
import { NodeInputError } from '../../src/errors.js'
import { batchImagesNode, emptyImage, emptyLatentImage, ksampler, resizeImageMaskNode, saveImage, vaeDecode } from '../../src/nodes/index.js'

const n = nodeFactory(coreDefs)

describe('node() with definitions', () => {
  test('undefined for a required link throws, naming class and input, instead of pruning the graph', () => {
    const latent = n('EmptyLatentImage', {})
    let error: unknown
    try {
      n('VAEDecode', { samples: latent.out(0), vae: undefined })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(NodeInputError)
    expect(error).toMatchObject({ classType: 'VAEDecode', inputName: 'vae', message: 'VAEDecode: input "vae": required, but undefined was given' })
    expect(() => n('VAEDecode', { samples: latent.out(0) })).toThrow('VAEDecode: input "vae": required, but not given')
  })

  test('an input name the class does not have throws with close names', () => {
    expect(() => n('KSampler', { sead: 5 } as never)).toThrow(NodeInputError)
    expect(() => n('KSampler', { sead: 5 } as never)).toThrow('KSampler: input "sead": the class has no such input; did you mean "seed"?')
  })

  test('required inputs with a server default may be left out; optional ones may be undefined', () => {
    const latent = n('EmptyLatentImage', {})
    expect(toPrompt(latent)['1']?.inputs).toEqual({ width: 512, height: 512, batch_size: 1 })
    expect(() => n('SaveImage', { images: n('EmptyImage', {}).out(0), filename_prefix: undefined })).not.toThrow()
  })

  test('inputs the class does not declare pass through undeclaredInputs (an old editor saved them; the server ignores them)', () => {
    const load = n('LoadImage', { image: 'cat.png' }, { undeclaredInputs: { upload: 'image', image: 'not used' } })
    expect(toPrompt(load)['1']?.inputs).toEqual({ image: 'cat.png', upload: 'image' })
    expect(() => n('LoadImage', { image: 'cat.png', upload: 'image' } as never)).toThrow(NodeInputError)
  })

  test('without definitions, node() takes any inputs (nothing to check against)', () => {
    expect(() => node('Anything', { whatever: 1 })).not.toThrow()
  })
})

describe('generated factories', () => {
  test('undefined or nothing for a required input throws NodeInputError naming class, input and what was expected', () => {
    const latent = emptyLatentImage({})
    let error: unknown
    try {
      vaeDecode({ samples: latent.LATENT, vae: undefined } as never)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(NodeInputError)
    expect(error).toMatchObject({ classType: 'VAEDecode', inputName: 'vae', reason: 'required, but undefined was given' })
    expect(() => vaeDecode({ samples: latent.LATENT } as never)).toThrow('VAEDecode: input "vae": required, but not given')
  })

  test('an input name the class does not have throws with close names', () => {
    expect(() => ksampler({ sead: 5 } as never)).toThrow('KSampler: input "sead": the class has no such input; did you mean "seed"?')
    expect(() => emptyLatentImage({ widht: 5 } as never)).toThrow(NodeInputError)
  })

  test('required inputs with a default, optional inputs, Autogrow and DynamicCombo inputs are accepted as typed', () => {
    const latent = emptyLatentImage({})
    expect(toPrompt(latent)['1']?.inputs).toEqual({ width: 512, height: 512, batch_size: 1 })
    const image = emptyImage({})
    expect(() => saveImage({ images: image.IMAGE })).not.toThrow()
    expect(() => saveImage({ images: image.IMAGE, filename_prefix: undefined } as never)).not.toThrow()
    expect(() => batchImagesNode({ images: [image.IMAGE, image.IMAGE] })).not.toThrow()
    expect(() => resizeImageMaskNode({ input: image.IMAGE, resize_type: { key: 'scale by multiplier', multiplier: 2 }, scale_method: 'area' })).not.toThrow()
  })
})
