// The client's CPU while waiting, measured on the compiled package (dist/) under plain Node, as users run it:
// under tsx every message also pays for the loader's source-map and stack-trace hooks.
// Usage: node bench/lib/client-cpu.mjs URL   (prints {"idle": %, "busy": %} as JSON)
import { ComfyClient } from '../../dist/client/index.js'
import { node } from '../../dist/index.js'

const url = process.argv[2]
const percent = (cpu, ms) => ((cpu.user + cpu.system) / 1000 / ms) * 100

function samplerJob(i, steps) {
  const ckpt = node('CheckpointLoaderSimple', { ckpt_name: 'v1-5-pruned-emaonly-fp16.safetensors' })
  const text = node('CLIPTextEncode', { text: `job ${i}`, clip: ckpt.out(1) })
  const latent = node('EmptyLatentImage', { width: 16, height: 16, batch_size: 1 })
  const sampler = node('KSampler', {
    model: ckpt.out(0), positive: text.out(0), negative: text.out(0), latent_image: latent.out(0),
    seed: i, steps, cfg: 7, sampler_name: 'euler', scheduler: 'normal', denoise: 1,
  })
  return [node('SaveImage', { images: node('VAEDecode', { samples: sampler.out(0), vae: ckpt.out(2) }).out(0), filename_prefix: `cpu${i}` })]
}

const client = new ComfyClient({ url })
await client.connect()
// Let start-up work (lazy compilation, the first collections) settle before measuring:
await new Promise((r) => setTimeout(r, 2000))
let start = performance.now()
let before = process.cpuUsage()
await new Promise((r) => setTimeout(r, 3000))
const idle = percent(process.cpuUsage(before), performance.now() - start)
// 100 long jobs in flight (200 steps each), the client measured over 5 s of sampling:
const jobs = await Promise.all(Array.from({ length: 100 }, (_, i) => client.submit(samplerJob(1000 + i, 200))))
await new Promise((r) => setTimeout(r, 2000))
start = performance.now()
before = process.cpuUsage()
await new Promise((r) => setTimeout(r, 5000))
const busy = percent(process.cpuUsage(before), performance.now() - start)
await Promise.all(jobs.map((j) => j.cancel()))
await Promise.allSettled(jobs.map((j) => j.wait({ timeout: 30_000 })))
await client.close()
console.log(JSON.stringify({ idle, busy }))
