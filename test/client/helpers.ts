/** Graphs and setup shared by the client tests (real sockets against the test server). */
import { readFileSync } from 'node:fs'
import { nodeFactory } from '../../src/dsl/index.js'
import type { UntypedNode } from '../../src/dsl/index.js'
import { fixturePath, loadDefs } from '../helpers/fixtures.js'

export const defs = loadDefs('core026')
export const n = nodeFactory(defs)
export const TEST_PNG = readFileSync(fixturePath('server-captures', 'test_input.png'))

/** LoadImage -> ImageInvert -> SaveImage, the job of the overhead figures. */
export function invertGraph(image = 'example.png', prefix = 'invert'): { load: UntypedNode; invert: UntypedNode; save: UntypedNode } {
  const load = n('LoadImage', { image }, { title: 'Load Image' })
  const invert = n('ImageInvert', { image: load.out(0) })
  const save = n('SaveImage', { images: invert.out(0), filename_prefix: prefix })
  return { load, invert, save }
}

/** A txt2img graph whose sampler takes `steps` steps (the test server's step time each). */
export function samplerGraph(options: { steps: number; seed?: number; prefix?: string; ckpt?: string }): { sampler: UntypedNode; save: UntypedNode } {
  const ckpt = n('CheckpointLoaderSimple', { ckpt_name: options.ckpt ?? 'v1-5-pruned-emaonly-fp16.safetensors' })
  const positive = n('CLIPTextEncode', { text: 'a cat', clip: ckpt.out(1) })
  const negative = n('CLIPTextEncode', { text: 'blurry', clip: ckpt.out(1) })
  const latent = n('EmptyLatentImage', { width: 32, height: 32, batch_size: 1 })
  const sampler = n('KSampler', {
    model: ckpt.out(0),
    positive: positive.out(0),
    negative: negative.out(0),
    latent_image: latent.out(0),
    seed: options.seed ?? 1,
    steps: options.steps,
    cfg: 7,
    sampler_name: 'euler',
    scheduler: 'normal',
    denoise: 1,
  })
  const decode = n('VAEDecode', { samples: sampler.out(0), vae: ckpt.out(2) })
  const save = n('SaveImage', { images: decode.out(0), filename_prefix: options.prefix ?? 'sampled' })
  return { sampler, save }
}

/** Polls `check` until it holds (for server-side state that follows an HTTP answer). */
export async function eventually(check: () => boolean | Promise<boolean>, timeout = 5000): Promise<void> {
  const start = Date.now()
  while (!(await check())) {
    if (Date.now() - start > timeout) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}
