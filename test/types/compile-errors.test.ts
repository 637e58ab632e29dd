/**
 * Type-level guarantees of the generated factories. Every `@ts-expect-error` below is checked by
 * `tsc -p tsconfig.json` (the first half of `npm test`): if the line stops being an error, TS2578 fails
 * the run. The runtime assertions make sure the valid lines build what they say.
 */
import { describe, expect, expectTypeOf, test } from 'vitest'
import { castOutput, toPrompt, type Output } from '../../src/dsl/index.js'
import {
  batchImagesNode,
  checkpointLoaderSimple,
  clipTextEncode,
  emptyImage,
  emptyLatentImage,
  imageInvert,
  ksampler,
  loadImage,
  previewAny,
  primitiveInt,
  resizeImageMaskNode,
  saveImage,
  vaeDecode,
  type KSamplerInputs,
} from '../../src/nodes/index.js'

const ckpt = checkpointLoaderSimple({ ckpt_name: 'v1-5-pruned-emaonly.safetensors' })
const positive = clipTextEncode({ text: 'a cat', clip: ckpt.CLIP })
const latent = emptyLatentImage({ width: 512, height: 512 })

describe('compile errors that must happen', () => {
  test('a CLIP output in a MODEL input', () => {
    ksampler({
      // @ts-expect-error a CLIP output cannot feed a MODEL input
      model: ckpt.CLIP,
      seed: 1,
      sampler_name: 'euler',
      scheduler: 'normal',
      positive: positive.CONDITIONING,
      negative: positive.CONDITIONING,
      latent_image: latent.LATENT,
    })
  })

  test('a sampler name that is not in the list', () => {
    ksampler({
      model: ckpt.MODEL,
      // @ts-expect-error 'eulr' is not one of the sampler names the server lists
      sampler_name: 'eulr',
      scheduler: 'normal',
      positive: positive.CONDITIONING,
      negative: positive.CONDITIONING,
      latent_image: latent.LATENT,
    })
  })

  test('a missing required input', () => {
    // @ts-expect-error latent_image is required and has no default
    const inputs: KSamplerInputs = {
      model: ckpt.MODEL,
      sampler_name: 'euler',
      scheduler: 'normal',
      positive: positive.CONDITIONING,
      negative: positive.CONDITIONING,
    }
    expect(inputs.model).toBe(ckpt.MODEL)
  })

  test('.out(i) past the last output', () => {
    // @ts-expect-error CheckpointLoaderSimple has outputs 0 to 2
    expect(() => ckpt.out(3)).toThrow(/slots 0 to 2/)
  })

  test('an untyped output needs an explicit cast', () => {
    const untyped: Output = ckpt.MODEL
    // @ts-expect-error Output<string> is not known to be a MODEL
    const wrong: Output<'MODEL'> = untyped
    expect(wrong).toBe(ckpt.MODEL)
    expect(castOutput<'MODEL'>(untyped)).toBe(ckpt.MODEL)
  })

  test('a literal for a link-only input, and a wrong literal type for a widget', () => {
    // @ts-expect-error IMAGE is a socket: it takes a link, not a string
    imageInvert({ image: 'photo.png' })
    // @ts-expect-error width is an INT widget
    emptyLatentImage({ width: '512' })
  })
})

describe('what the types accept', () => {
  test('widgets take a literal or a link of their type; seeds take bigints', () => {
    const seed = primitiveInt({ value: 7 })
    const sampler = ksampler({
      model: ckpt.MODEL,
      seed: seed.out(0),
      steps: 30,
      cfg: 6.5,
      sampler_name: 'dpmpp_2m',
      scheduler: 'karras',
      positive: positive.CONDITIONING,
      negative: positive.out(0),
      latent_image: latent.LATENT,
    })
    const big = ksampler({
      model: ckpt.MODEL,
      seed: 18446744073709551615n,
      sampler_name: 'euler',
      scheduler: 'normal',
      positive: positive.CONDITIONING,
      negative: positive.CONDITIONING,
      latent_image: latent.LATENT,
    })
    expect(toPrompt(sampler)['5']?.inputs['seed']).toEqual(['2', 0])
    expect(big.inputs['seed']).toBe(18446744073709551615n)
  })

  test('a `*` input takes any output; file-backed combos take any string', () => {
    const image = loadImage({ image: 'uploads/photo.png' })
    previewAny({ source: image.IMAGE })
    previewAny({ source: ckpt.VAE })
    expectTypeOf(image.out(1)).toEqualTypeOf<Output<'MASK'>>()
  })

  test('named outputs and out(i) have the same types', () => {
    expectTypeOf(ckpt.out(0)).toEqualTypeOf<Output<'MODEL'>>()
    expectTypeOf(ckpt.VAE).toEqualTypeOf<Output<'VAE'>>()
    const decoded = vaeDecode({ samples: latent.LATENT, vae: ckpt.VAE })
    const save = saveImage({ images: decoded.IMAGE })
    expect(toPrompt(save)['4']).toEqual({
      class_type: 'SaveImage',
      inputs: { filename_prefix: 'ComfyUI', images: ['3', 0] },
    })
  })

  test('V3 MatchType: the output has the type of the input', () => {
    const img = emptyImage({})
    const resized = resizeImageMaskNode({
      input: img.IMAGE,
      resize_type: { key: 'scale by multiplier', multiplier: 0.5 },
      scale_method: 'area',
    })
    expectTypeOf(resized.out(0)).toEqualTypeOf<Output<'IMAGE'>>()
    imageInvert({ image: resized.out(0) })
    // V3 Autogrow: a list of inputs becomes image0, image1...
    const batch = batchImagesNode({ images: [img.IMAGE, resized.out(0)] })
    expect(Object.keys(batch.inputs)).toEqual(['images.image0', 'images.image1'])
  })
})
