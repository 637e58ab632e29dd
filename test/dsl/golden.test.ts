/**
 * Golden tests: real workflows from test/fixtures/workflows rebuilt with the generated factories give the
 * saved API JSON (ids pinned to the originals).
 */
import { describe, expect, test } from 'vitest'
import { toPrompt, type PromptRoot } from '../../src/dsl/index.js'
import { parseJson } from '../../src/json/lossless.js'
import * as n from '../../src/nodes/index.js'
import { readFixture } from '../helpers/fixtures.js'

function original(name: string): unknown {
  return parseJson(readFixture('workflows', 'pairs', `${name}.api.json`))
}

const golden: Record<string, () => PromptRoot[]> = {
  lora__lora: () => {
    const ckpt = n.checkpointLoaderSimple({ ckpt_name: 'v1-5-pruned-emaonly.ckpt' }, { id: 4 })
    const lora = n.loraLoader(
      { lora_name: 'epiNoiseoffset_v2.safetensors', strength_model: 1, strength_clip: 1, model: ckpt.MODEL, clip: ckpt.CLIP },
      { id: 10 },
    )
    const positive = n.clipTextEncode({ text: 'masterpiece best quality girl', clip: lora.out(1) }, { id: 6 })
    const negative = n.clipTextEncode({ text: 'bad hands', clip: lora.out(1) }, { id: 7 })
    const latent = n.emptyLatentImage({ width: 512, height: 512, batch_size: 1 }, { id: 5 })
    const sampled = n.ksampler(
      {
        seed: 851616030078638, steps: 20, cfg: 8, sampler_name: 'euler', scheduler: 'normal', denoise: 1,
        model: lora.out(0), positive: positive.CONDITIONING, negative: negative.CONDITIONING, latent_image: latent.LATENT,
      },
      { id: 3 },
    )
    const decoded = n.vaeDecode({ samples: sampled.LATENT, vae: ckpt.VAE }, { id: 8 })
    return [n.saveImage({ filename_prefix: 'ComfyUI', images: decoded.IMAGE }, { id: 9 })]
  },

  '2_pass_txt2img__latent_upscale_different_prompt_model': () => {
    const ckpt = n.checkpointLoaderSimple({ ckpt_name: 'wd-illusion-fp16.safetensors' }, { id: 4 })
    const latent = n.emptyLatentImage({ width: 1368, height: 768, batch_size: 1 }, { id: 5 })
    const positive = n.clipTextEncode(
      {
        text:
          'anime happy girl (fennec:1.2) (ears:1.3) blonde long (messy hair:1.1) blue eyes, wearing serafuku jeans (sitting on rock:1.15) (spread legs:1.15) (sneakers:0.95) in lake rural swiss village on the mountain side sky clouds HDR sunset\n' +
          '(exceptional, best aesthetic, new, newest, best quality, masterpiece, extremely detailed, anime:1.05)\n',
        clip: ckpt.CLIP,
      },
      { id: 6 },
    )
    const negative = n.clipTextEncode(
      {
        text: 'lowres, bad anatomy, bad hands, (text:1.1), blurry, mutated hands and fingers, mutation, deformed face, ugly, (logo:1.1), cropped, worst quality, jpeg, (jpeg artifacts), deleted, old, oldest, (censored), (bad aesthetic), (mosaic censoring, bar censor, blur censor) earphones',
        clip: ckpt.CLIP,
      },
      { id: 7 },
    )
    const first = n.ksampler(
      {
        seed: 758448896326830, steps: 14, cfg: 8, sampler_name: 'dpmpp_sde', scheduler: 'simple', denoise: 1,
        model: ckpt.MODEL, positive: positive.CONDITIONING, negative: negative.CONDITIONING, latent_image: latent.LATENT,
      },
      { id: 3 },
    )
    const save1 = n.saveImage({ filename_prefix: 'ComfyUI', images: n.vaeDecode({ samples: first.LATENT, vae: ckpt.VAE }, { id: 8 }).IMAGE }, { id: 10 })
    const anime = n.checkpointLoaderSimple({ ckpt_name: 'cardosAnime_v10.safetensors' }, { id: 13 })
    const clip = n.clipSetLastLayer({ stop_at_clip_layer: -2, clip: anime.CLIP }, { id: 22 })
    const negative2 = n.clipTextEncode(
      {
        text: '(hands), (text:1.1), letters, numbers, error, cropped, (jpeg artifacts:1.2), (signature:1.1), (watermark:1.1), username, blurry, artist name, monochrome, sketch, censorship, censor, (copyright:1.1), extra legs, (forehead mark)  (penis)',
        clip: clip.CLIP,
      },
      { id: 14 },
    )
    const positive2 = n.clipTextEncode(
      {
        text: 'from far away anime happy girl (fennec ears:0.95) long (messy hair:1.3) blue eyes, wearing serafuku jeans sitting on rock spread legs (sneakers:0.95) in lake rural swiss village on the mountain side sky clouds HDR sunset\n',
        clip: clip.CLIP,
      },
      { id: 15 },
    )
    const upscaled = n.latentUpscaleBy({ upscale_method: 'bislerp', scale_by: 1.5, samples: first.LATENT }, { id: 27 })
    const second = n.ksampler(
      {
        seed: 417682270866800, steps: 8, cfg: 13, sampler_name: 'dpmpp_sde', scheduler: 'simple', denoise: 0.4999999999999999,
        model: anime.MODEL, positive: positive2.CONDITIONING, negative: negative2.CONDITIONING, latent_image: upscaled.LATENT,
      },
      { id: 32 },
    )
    const save2 = n.saveImage({ filename_prefix: 'ComfyUI', images: n.vaeDecode({ samples: second.LATENT, vae: ckpt.VAE }, { id: 11 }).IMAGE }, { id: 12 })
    return [save1, save2]
  },

  sdxl__sdxl_simple_example: () => {
    const base = n.checkpointLoaderSimple({ ckpt_name: 'sd_xl_base_1.0.safetensors' }, { id: 4 })
    const refiner = n.checkpointLoaderSimple({ ckpt_name: 'sd_xl_refiner_1.0.safetensors' }, { id: 12 })
    const text = 'evening sunset scenery blue sky nature, glass bottle with a galaxy in it'
    const basePos = n.clipTextEncode({ text, clip: base.CLIP }, { id: 6 })
    const baseNeg = n.clipTextEncode({ text: 'text, watermark', clip: base.CLIP }, { id: 7 })
    const refPos = n.clipTextEncode({ text, clip: refiner.CLIP }, { id: 15 })
    const refNeg = n.clipTextEncode({ text: 'text, watermark', clip: refiner.CLIP }, { id: 16 })
    const latent = n.emptyLatentImage({ width: 1024, height: 1024, batch_size: 1 }, { id: 5 })
    const first = n.ksamplerAdvanced(
      {
        add_noise: 'enable', noise_seed: 721897303308196, steps: 25, cfg: 8, sampler_name: 'euler', scheduler: 'normal',
        start_at_step: 0, end_at_step: 20, return_with_leftover_noise: 'enable',
        model: base.MODEL, positive: basePos.CONDITIONING, negative: baseNeg.CONDITIONING, latent_image: latent.LATENT,
      },
      { id: 10 },
    )
    const second = n.ksamplerAdvanced(
      {
        add_noise: 'disable', noise_seed: 0, steps: 25, cfg: 8, sampler_name: 'euler', scheduler: 'normal',
        start_at_step: 20, end_at_step: 10000, return_with_leftover_noise: 'disable',
        model: refiner.MODEL, positive: refPos.CONDITIONING, negative: refNeg.CONDITIONING, latent_image: first.LATENT,
      },
      { id: 11 },
    )
    const decoded = n.vaeDecode({ samples: second.LATENT, vae: refiner.VAE }, { id: 17 })
    return [n.saveImage({ filename_prefix: 'ComfyUI', images: decoded.IMAGE }, { id: 19 })]
  },

  flux__flux_dev_example: () => {
    const clip = n.dualClipLoader({ clip_name1: 't5xxl_fp16.safetensors', clip_name2: 'clip_l.safetensors', type: 'flux' }, { id: 11 })
    const unet = n.unetLoader({ unet_name: 'flux1-dev.safetensors', weight_dtype: 'default' }, { id: 12 })
    const vae = n.vaeLoader({ vae_name: 'ae.safetensors' }, { id: 10 })
    const model = n.modelSamplingFlux({ max_shift: 1.15, base_shift: 0.5, width: 1024, height: 1024, model: unet.MODEL }, { id: 30 })
    const text = n.clipTextEncode(
      {
        text: 'cute anime girl with massive fluffy fennec ears and a big fluffy tail blonde messy long hair blue eyes wearing a maid outfit with a long black gold leaf pattern dress and a white apron mouth open holding a fancy black forest cake with candles on top in the kitchen of an old dark Victorian mansion lit by candlelight with a bright window to the foggy forest and very expensive stuff everywhere',
        clip: clip.CLIP,
      },
      { id: 6 },
    )
    const guidance = n.fluxGuidance({ guidance: 3.5, conditioning: text.CONDITIONING }, { id: 26 })
    const sampled = n.samplerCustomAdvanced(
      {
        noise: n.randomNoise({ noise_seed: 219670278747233 }, { id: 25 }).NOISE,
        guider: n.basicGuider({ model: model.MODEL, conditioning: guidance.CONDITIONING }, { id: 22 }).GUIDER,
        sampler: n.ksamplerSelect({ sampler_name: 'euler' }, { id: 16 }).SAMPLER,
        sigmas: n.basicScheduler({ scheduler: 'simple', steps: 20, denoise: 1, model: model.MODEL }, { id: 17 }).SIGMAS,
        latent_image: n.emptySd3LatentImage({ width: 1024, height: 1024, batch_size: 1 }, { id: 27 }).LATENT,
      },
      { id: 13 },
    )
    const decoded = n.vaeDecode({ samples: sampled.out(0), vae: vae.VAE }, { id: 8 })
    return [n.saveImage({ filename_prefix: 'ComfyUI', images: decoded.IMAGE }, { id: 9 })]
  },

  hypernetworks__hypernetwork_example: () => {
    const ckpt = n.checkpointLoaderSimple({ ckpt_name: 'v1-5-pruned-emaonly.ckpt' }, { id: 4 })
    const hyper = n.hypernetworkLoader({ hypernetwork_name: 'dantionMarbleStatues_10.pt', strength: 1, model: ckpt.MODEL }, { id: 10 })
    const sampled = n.ksampler(
      {
        seed: 572636856966402, steps: 20, cfg: 8, sampler_name: 'uni_pc_bh2', scheduler: 'normal', denoise: 1,
        model: hyper.MODEL,
        positive: n.clipTextEncode({ text: 'woman (fennec ears fox ears:1.1), marble statue, museum', clip: ckpt.CLIP }, { id: 6 }).CONDITIONING,
        negative: n.clipTextEncode({ text: 'text, watermark', clip: ckpt.CLIP }, { id: 7 }).CONDITIONING,
        latent_image: n.emptyLatentImage({ width: 512, height: 512, batch_size: 1 }, { id: 5 }).LATENT,
      },
      { id: 3 },
    )
    const decoded = n.vaeDecode({ samples: sampled.LATENT, vae: ckpt.VAE }, { id: 8 })
    return [n.saveImage({ filename_prefix: 'ComfyUI', images: decoded.IMAGE }, { id: 9 })]
  },
}

describe('real workflows rebuilt in the DSL', () => {
  test.each(Object.keys(golden))('%s', (name) => {
    const roots = (golden[name] as () => PromptRoot[])()
    expect(toPrompt(...roots)).toEqual(original(name))
  })
})
