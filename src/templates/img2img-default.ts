/**
 * img2img_default: image -> VAE encode -> KSampler at denoise < 1 -> VAE decode -> SaveImage.
 * @module
 */
import { loadImage, vaeEncode } from '../nodes/index.js'
import { decode, DEFAULT_IMAGE, encodePrompts, loadCheckpoint, sample, samplingParams, save, type SamplingOptions } from './common.js'
import { defineTemplate, type Bind } from './define.js'

export interface Img2ImgOptions extends SamplingOptions {
  /** The input image: a file in the server's input folder. */
  image?: string
}

export const img2imgDefault = defineTemplate<Img2ImgOptions>({
  name: 'img2img_default',
  description: 'Re-draws an image guided by prompts, keeping its composition (denoise below 1).',
  params: {
    image: { default: DEFAULT_IMAGE, description: 'Input image: a file in the server input folder.' },
    ...samplingParams({ denoise: 0.6, filenamePrefix: 'img2img' }),
  },
  build(options, bind) {
    const shared = bind as Bind<SamplingOptions>
    const ckpt = loadCheckpoint(options, shared)
    const image = loadImage({ image: options.image })
    bind('image', image, 'image')
    const latent = vaeEncode({ pixels: image.IMAGE, vae: ckpt.vae })
    const prompts = encodePrompts(options, ckpt.clip, shared)
    const sampled = sample(options, { model: ckpt.model, ...prompts, latent: latent.LATENT }, shared)
    return [save(options, decode(sampled, ckpt.vae), shared)]
  },
})
