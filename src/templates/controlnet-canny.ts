/**
 * controlnet_canny: control image -> Canny -> ControlNetApplyAdvanced (ControlNetLoader) on both positive and
 * negative conditioning -> sample (latent from the input image) -> decode -> save.
 * @module
 */
import { canny, controlNetApplyAdvanced, controlNetLoader, loadImage, vaeEncode } from '../nodes/index.js'
import { decode, DEFAULT_IMAGE, encodePrompts, loadCheckpoint, sample, samplingParams, save, type SamplingOptions } from './common.js'
import { defineTemplate, type Bind } from './define.js'

export interface ControlNetCannyOptions extends SamplingOptions {
  /** The input image: sets the size (and, with denoise below 1, the colours) of the result. */
  image?: string
  /** The image whose Canny edges steer the composition (often the same file as `image`). */
  controlImage?: string
  /** ControlNet model file on the server (`GET /models/controlnet`). */
  controlNet?: string
  strength?: number
  /** Share of the sampling steps after which the ControlNet starts to apply. */
  startPercent?: number
  /** Share of the sampling steps after which it stops. */
  endPercent?: number
  lowThreshold?: number
  highThreshold?: number
}

export const controlnetCanny = defineTemplate<ControlNetCannyOptions>({
  name: 'controlnet_canny',
  description: 'Generates an image that follows the Canny edges of a control image.',
  params: {
    image: { default: DEFAULT_IMAGE, description: 'Input image: sets the size of the result (and its colours when denoise < 1).' },
    controlImage: { default: DEFAULT_IMAGE, description: 'Image whose Canny edges steer the composition.' },
    controlNet: { default: 'control_v11p_sd15_canny_fp16.safetensors', description: 'ControlNet model file on the server.' },
    strength: { default: 1, description: 'ControlNet strength.' },
    startPercent: { default: 0, description: 'Share of the steps after which the ControlNet starts to apply.' },
    endPercent: { default: 1, description: 'Share of the steps after which it stops.' },
    lowThreshold: { default: 0.4, description: 'Canny low threshold (0.01 to 0.99).' },
    highThreshold: { default: 0.8, description: 'Canny high threshold (0.01 to 0.99).' },
    ...samplingParams({ denoise: 1, filenamePrefix: 'controlnet_canny' }),
  },
  build(options, bind) {
    const shared = bind as Bind<SamplingOptions>
    const ckpt = loadCheckpoint(options, shared)
    const image = loadImage({ image: options.image })
    bind('image', image, 'image')
    const control = loadImage({ image: options.controlImage })
    bind('controlImage', control, 'image')
    const edges = canny({ image: control.IMAGE, low_threshold: options.lowThreshold, high_threshold: options.highThreshold })
    bind('lowThreshold', edges, 'low_threshold')
    bind('highThreshold', edges, 'high_threshold')
    const net = controlNetLoader({ control_net_name: options.controlNet })
    bind('controlNet', net, 'control_net_name')
    const prompts = encodePrompts(options, ckpt.clip, shared)
    const applied = controlNetApplyAdvanced({
      positive: prompts.positive,
      negative: prompts.negative,
      control_net: net.CONTROL_NET,
      image: edges.IMAGE,
      strength: options.strength,
      start_percent: options.startPercent,
      end_percent: options.endPercent,
      vae: ckpt.vae,
    })
    bind('strength', applied, 'strength')
    bind('startPercent', applied, 'start_percent')
    bind('endPercent', applied, 'end_percent')
    const latent = vaeEncode({ pixels: image.IMAGE, vae: ckpt.vae }).LATENT
    const sampled = sample(options, { model: ckpt.model, positive: applied.positive, negative: applied.negative, latent }, shared)
    return [save(options, decode(sampled, ckpt.vae), shared)]
  },
})
