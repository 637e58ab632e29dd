/**
 * Parameters and graph pieces the three templates share: checkpoint, prompts, sampler settings, output.
 * @module
 */
import type { NodeHandle, Output } from '../dsl/output.js'
import type { SamplerName, Scheduler } from '../nodes/_enums.js'
import { checkpointLoaderSimple, clipTextEncode, ksampler, saveImage, vaeDecode } from '../nodes/index.js'
import type { Bind, ParamSpecs } from './define.js'

/** Options every template has. */
export interface SamplingOptions {
  /** Positive prompt: what the result should show. */
  positive?: string
  /** Negative prompt: what it should avoid. */
  negative?: string
  /** Checkpoint file name on the server (`GET /models/checkpoints`). */
  checkpoint?: string
  seed?: number | bigint
  steps?: number
  cfg?: number
  sampler?: SamplerName
  scheduler?: Scheduler
  /** How much of the input is re-generated: 1 keeps nothing of it, 0 changes nothing. */
  denoise?: number
  /** Prefix of the saved file names. */
  filenamePrefix?: string
}

/** A file in the server's input folder, for example the name `ComfyClient.upload()` returned. */
export const DEFAULT_IMAGE = 'example.png'
export const DEFAULT_CHECKPOINT = 'v1-5-pruned-emaonly-fp16.safetensors'

export function samplingParams(overrides: { denoise: number; checkpoint?: string; filenamePrefix: string }): ParamSpecs<SamplingOptions> {
  return {
    positive: { default: 'a photograph, high quality, detailed', description: 'Positive prompt: what the result should show.' },
    negative: { default: 'blurry, low quality, watermark, text', description: 'Negative prompt: what the result should avoid.' },
    checkpoint: { default: overrides.checkpoint ?? DEFAULT_CHECKPOINT, description: 'Checkpoint file name on the server.' },
    seed: { default: 0, description: 'Noise seed (0 to 2^64 - 1); the same seed gives the same image.' },
    steps: { default: 20, description: 'Sampling steps.' },
    cfg: { default: 7, description: 'Classifier-free guidance scale: how strongly the prompts steer.' },
    sampler: { default: 'euler', description: 'Sampler algorithm.' },
    scheduler: { default: 'normal', description: 'Noise schedule.' },
    denoise: { default: overrides.denoise, description: 'Share of the input that is re-generated (0 to 1).' },
    filenamePrefix: { default: overrides.filenamePrefix, description: 'Prefix of the saved file names.' },
  }
}

export interface Checkpoint {
  readonly model: Output<'MODEL'>
  readonly clip: Output<'CLIP'>
  readonly vae: Output<'VAE'>
}

/** Loads the checkpoint; binds `checkpoint`. */
export function loadCheckpoint(options: Required<SamplingOptions>, bind: Bind<SamplingOptions>): Checkpoint {
  const ckpt = checkpointLoaderSimple({ ckpt_name: options.checkpoint })
  bind('checkpoint', ckpt, 'ckpt_name')
  return { model: ckpt.MODEL, clip: ckpt.CLIP, vae: ckpt.VAE }
}

/** Encodes both prompts; binds `positive` and `negative`. */
export function encodePrompts(
  options: Required<SamplingOptions>,
  clip: Output<'CLIP'>,
  bind: Bind<SamplingOptions>,
): { positive: Output<'CONDITIONING'>; negative: Output<'CONDITIONING'> } {
  const positive = clipTextEncode({ text: options.positive, clip })
  const negative = clipTextEncode({ text: options.negative, clip })
  bind('positive', positive, 'text')
  bind('negative', negative, 'text')
  return { positive: positive.CONDITIONING, negative: negative.CONDITIONING }
}

/** KSampler with the shared settings bound. */
export function sample(
  options: Required<SamplingOptions>,
  inputs: {
    model: Output<'MODEL'>
    positive: Output<'CONDITIONING'>
    negative: Output<'CONDITIONING'>
    latent: Output<'LATENT'>
  },
  bind: Bind<SamplingOptions>,
): Output<'LATENT'> {
  const sampler = ksampler({
    model: inputs.model,
    positive: inputs.positive,
    negative: inputs.negative,
    latent_image: inputs.latent,
    seed: options.seed,
    steps: options.steps,
    cfg: options.cfg,
    sampler_name: options.sampler,
    scheduler: options.scheduler,
    denoise: options.denoise,
  })
  bind('seed', sampler, 'seed')
  bind('steps', sampler, 'steps')
  bind('cfg', sampler, 'cfg')
  bind('sampler', sampler, 'sampler_name')
  bind('scheduler', sampler, 'scheduler')
  bind('denoise', sampler, 'denoise')
  return sampler.LATENT
}

/** Decodes a latent to pixels. */
export function decode(latent: Output<'LATENT'>, vae: Output<'VAE'>): Output<'IMAGE'> {
  return vaeDecode({ samples: latent, vae }).IMAGE
}

/** Saves images; binds `filenamePrefix`. */
export function save(options: Required<SamplingOptions>, images: Output<'IMAGE'>, bind: Bind<SamplingOptions>): NodeHandle {
  const node = saveImage({ images, filename_prefix: options.filenamePrefix })
  bind('filenamePrefix', node, 'filename_prefix')
  return node
}
