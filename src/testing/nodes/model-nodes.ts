/**
 * Stand-ins for the model nodes the templates use: loaders hand out tokens, text encoders keep the text,
 * VAEs move pixels in and out of "latents", and samplers paint a seed- and prompt-dependent colour over the
 * latent (inside its noise mask, mixed with ControlNet hints) step by step, with progress and previews.
 * @module
 */
import { blend, colourOf, emptyMask, fitMask, solid, toMask, toPixels, rawImage, rawMask, type Latent, type Mask, type Pixels } from '../pixels.js'
import { inputImage, inputLatent, inputMask, inputNumber, inputString } from './inputs.js'
import { NodeException, type NodeImplementation } from './types.js'

interface ModelToken {
  readonly kind: 'model' | 'clip' | 'vae' | 'control_net'
  readonly name: string
}

interface Conditioning {
  readonly kind: 'conditioning'
  readonly text: string
  /** ControlNet hints: an image and how strongly it steers the result. */
  readonly hints: readonly { readonly image: Pixels; readonly strength: number }[]
}

export const CheckpointLoaderSimple: NodeImplementation = async (inputs, context) => {
  const name = inputString(inputs, 'ckpt_name')
  context.models.load('checkpoints', name)
  return { outputs: [token('model', name), token('clip', name), token('vae', name)] }
}

export const VAELoader: NodeImplementation = async (inputs, context) => {
  const name = inputString(inputs, 'vae_name')
  if (name !== 'pixel_space') context.models.load('vae', name)
  return { outputs: [token('vae', name)] }
}

export const LoraLoader: NodeImplementation = async (inputs, context) => {
  context.models.load('loras', inputString(inputs, 'lora_name'))
  return { outputs: [inputs['model'], inputs['clip']] }
}

export const LoraLoaderModelOnly: NodeImplementation = async (inputs, context) => {
  context.models.load('loras', inputString(inputs, 'lora_name'))
  return { outputs: [inputs['model']] }
}

export const ControlNetLoader: NodeImplementation = async (inputs, context) => {
  const name = inputString(inputs, 'control_net_name')
  context.models.load('controlnet', name)
  return { outputs: [token('control_net', name)] }
}

export const CLIPTextEncode: NodeImplementation = async (inputs) => {
  expectToken(inputs, 'clip', 'clip')
  const conditioning: Conditioning = { kind: 'conditioning', text: inputString(inputs, 'text'), hints: [] }
  return { outputs: [conditioning] }
}

export const ControlNetApply: NodeImplementation = async (inputs) => {
  expectToken(inputs, 'control_net', 'control_net')
  const hint = { image: inputImage(inputs, 'image'), strength: inputNumber(inputs, 'strength', 1) }
  return { outputs: [withHint(inputs['conditioning'], hint)] }
}

export const ControlNetApplyAdvanced: NodeImplementation = async (inputs) => {
  expectToken(inputs, 'control_net', 'control_net')
  const span = inputNumber(inputs, 'end_percent', 1) - inputNumber(inputs, 'start_percent', 0)
  const hint = { image: inputImage(inputs, 'image'), strength: inputNumber(inputs, 'strength', 1) * Math.max(0, span) }
  return { outputs: [withHint(inputs['positive'], hint), withHint(inputs['negative'], hint)] }
}

export const EmptyLatentImage: NodeImplementation = async (inputs) => {
  const width = Math.trunc(inputNumber(inputs, 'width', 512))
  const height = Math.trunc(inputNumber(inputs, 'height', 512))
  const latent: Latent = { kind: 'latent', image: solid(width, height, [128, 128, 128]), noiseMask: undefined }
  return { outputs: [latent] }
}

export const VAEEncode: NodeImplementation = async (inputs) => {
  expectToken(inputs, 'vae', 'vae')
  const latent: Latent = { kind: 'latent', image: inputImage(inputs, 'pixels'), noiseMask: undefined }
  return { outputs: [latent] }
}

export const VAEDecode: NodeImplementation = async (inputs) => {
  expectToken(inputs, 'vae', 'vae')
  return { outputs: [inputLatent(inputs, 'samples').image] }
}

/** Masked pixels are greyed out (as ComfyUI does) and the grown mask becomes the latent's noise mask. */
export const VAEEncodeForInpaint: NodeImplementation = async (inputs) => {
  expectToken(inputs, 'vae', 'vae')
  const pixels = inputImage(inputs, 'pixels')
  const grow = Math.trunc(inputNumber(inputs, 'grow_mask_by', 6))
  let mask = await fitMask(inputMask(inputs, 'mask'), pixels.width, pixels.height)
  if (grow > 0) mask = await toMask(rawMask(mask).dilate(Math.min(grow * 2 + 1, 255)))
  const greyed = blend(pixels, solid(pixels.width, pixels.height, [128, 128, 128]), 1, mask)
  const latent: Latent = { kind: 'latent', image: greyed, noiseMask: mask }
  return { outputs: [latent] }
}

export const SetLatentNoiseMask: NodeImplementation = async (inputs) => {
  const latent = inputLatent(inputs, 'samples')
  const mask = await fitMask(inputMask(inputs, 'mask'), latent.image.width, latent.image.height)
  return { outputs: [{ ...latent, noiseMask: mask }] }
}

export const KSampler: NodeImplementation = async (inputs, context) =>
  sample(inputs, context, {
    seed: inputs['seed'],
    steps: Math.trunc(inputNumber(inputs, 'steps', 20)),
    denoise: inputNumber(inputs, 'denoise', 1),
  })

export const KSamplerAdvanced: NodeImplementation = async (inputs, context) => {
  const steps = Math.trunc(inputNumber(inputs, 'steps', 20))
  const start = Math.max(0, Math.trunc(inputNumber(inputs, 'start_at_step', 0)))
  const end = Math.min(steps, Math.trunc(inputNumber(inputs, 'end_at_step', 10000)))
  return sample(inputs, context, { seed: inputs['noise_seed'], steps: Math.max(0, end - start), denoise: steps === 0 ? 0 : (end - start) / steps })
}

async function sample(
  inputs: Readonly<Record<string, unknown>>,
  context: Parameters<NodeImplementation>[1],
  plan: { seed: unknown; steps: number; denoise: number },
): Promise<{ outputs: unknown[] }> {
  expectToken(inputs, 'model', 'model')
  const latent = inputLatent(inputs, 'latent_image')
  const positive = conditioningOf(inputs['positive'], 'positive')
  const negative = conditioningOf(inputs['negative'], 'negative')
  const { width, height } = latent.image
  const seed = typeof plan.seed === 'bigint' || typeof plan.seed === 'number' ? plan.seed : 0
  let target = solid(width, height, colourOf(seed, `${positive.text}\u0000${negative.text}`))
  for (const hint of positive.hints) {
    const image = await toPixels(rawImage(hint.image).resize(width, height, { fit: 'fill' }))
    target = blend(target, image, Math.min(1, hint.strength) * 0.5)
  }
  const mask: Mask = latent.noiseMask ?? emptyMask(width, height, 255)
  let current = latent.image
  for (let step = 1; step <= plan.steps; step++) {
    current = blend(latent.image, target, (plan.denoise * step) / plan.steps, mask)
    await context.step(step, plan.steps, current)
  }
  return { outputs: [{ kind: 'latent', image: current, noiseMask: latent.noiseMask } satisfies Latent] }
}

function token(kind: ModelToken['kind'], name: string): ModelToken {
  return { kind, name }
}

function expectToken(inputs: Readonly<Record<string, unknown>>, name: string, kind: ModelToken['kind']): void {
  const value = inputs[name] as Partial<ModelToken> | undefined
  if (value?.kind !== kind) throw new NodeException('AttributeError', `input '${name}' is not a ${kind.toUpperCase()}`)
}

function conditioningOf(value: unknown, name: string): Conditioning {
  const c = value as Partial<Conditioning> | undefined
  if (c?.kind !== 'conditioning') throw new NodeException('AttributeError', `input '${name}' is not a CONDITIONING`)
  return c as Conditioning
}

function withHint(value: unknown, hint: Conditioning['hints'][number]): Conditioning {
  const c = conditioningOf(value, 'conditioning')
  return { ...c, hints: [...c.hints, hint] }
}
