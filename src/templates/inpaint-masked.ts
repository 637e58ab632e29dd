/**
 * inpaint_masked: image + mask -> grown, feathered mask -> inpainting latent -> sample -> decode ->
 * composite onto the original outside the mask -> save.
 * @module
 */
import type { Output } from '../dsl/output.js'
import {
  featherMask,
  growMask,
  imageCompositeMasked,
  loadImage,
  loadImageMask,
  setLatentNoiseMask,
  vaeEncode,
  vaeEncodeForInpaint,
} from '../nodes/index.js'
import { decode, DEFAULT_IMAGE, encodePrompts, loadCheckpoint, sample, samplingParams, save, type SamplingOptions } from './common.js'
import { defineTemplate, type Bind } from './define.js'

export interface InpaintOptions extends SamplingOptions {
  /** The input image: a file in the server's input folder. */
  image?: string
  /**
   * Where the mask comes from: `alpha` takes the image's own alpha channel (transparent = repaint, what the
   * ComfyUI mask editor saves); `image` loads the separate `mask` file.
   */
  maskSource?: 'alpha' | 'image'
  /** Mask file (with `maskSource: 'image'`): white (or the chosen channel at 1) = repaint. */
  mask?: string
  /** Channel of the mask file that holds the mask. */
  maskChannel?: 'alpha' | 'red' | 'green' | 'blue'
  /** Pixels the mask grows by before sampling. */
  grow?: number
  /** Pixels of soft edge, on every side, for blending the result into the original. */
  feather?: number
  /**
   * `inpaint-model`: VAEEncodeForInpaint (for inpainting checkpoints); `noise-mask`: VAEEncode +
   * SetLatentNoiseMask (any checkpoint; use with denoise below 1 to keep more of the original).
   */
  latentMode?: 'inpaint-model' | 'noise-mask'
}

export const inpaintMasked = defineTemplate<InpaintOptions>({
  name: 'inpaint_masked',
  description: 'Repaints the masked part of an image and composites the result onto the untouched original.',
  params: {
    image: { default: DEFAULT_IMAGE, description: 'Input image: a file in the server input folder.' },
    maskSource: { default: 'alpha', description: 'Mask from the image alpha channel ("alpha") or a separate file ("image").', structural: true },
    mask: { default: DEFAULT_IMAGE, description: 'Mask file, used with maskSource "image".' },
    maskChannel: { default: 'red', description: 'Channel of the mask file that holds the mask.' },
    grow: { default: 8, description: 'Pixels the mask grows by before sampling.' },
    feather: { default: 8, description: 'Soft edge in pixels for blending the result into the original.' },
    latentMode: {
      default: 'inpaint-model',
      description: '"inpaint-model" (VAEEncodeForInpaint, inpainting checkpoints) or "noise-mask" (SetLatentNoiseMask, any checkpoint).',
      structural: true,
    },
    ...samplingParams({ denoise: 1, checkpoint: '512-inpainting-ema.safetensors', filenamePrefix: 'inpaint' }),
  },
  build(options, bind) {
    const shared = bind as Bind<SamplingOptions>
    const ckpt = loadCheckpoint(options, shared)
    const image = loadImage({ image: options.image })
    bind('image', image, 'image')
    let mask: Output<'MASK'>
    if (options.maskSource === 'alpha') {
      mask = image.MASK
    } else {
      const file = loadImageMask({ image: options.mask, channel: options.maskChannel })
      bind('mask', file, 'image')
      bind('maskChannel', file, 'channel')
      mask = file.MASK
    }
    const grown = growMask({ mask, expand: options.grow, tapered_corners: true })
    bind('grow', grown, 'expand')
    const soft = featherMask({ mask: grown.MASK, left: options.feather, top: options.feather, right: options.feather, bottom: options.feather })
    for (const side of ['left', 'top', 'right', 'bottom']) bind('feather', soft, side)
    const latent =
      options.latentMode === 'inpaint-model'
        ? vaeEncodeForInpaint({ pixels: image.IMAGE, vae: ckpt.vae, mask: grown.MASK, grow_mask_by: 0 }).LATENT
        : setLatentNoiseMask({ samples: vaeEncode({ pixels: image.IMAGE, vae: ckpt.vae }).LATENT, mask: soft.MASK }).LATENT
    const prompts = encodePrompts(options, ckpt.clip, shared)
    const sampled = sample(options, { model: ckpt.model, ...prompts, latent }, shared)
    // Outside the mask the original pixels come back unchanged:
    const composite = imageCompositeMasked({
      destination: image.IMAGE,
      source: decode(sampled, ckpt.vae),
      x: 0,
      y: 0,
      resize_source: false,
      mask: soft.MASK,
    })
    return [save(options, composite.IMAGE, shared)]
  },
})
