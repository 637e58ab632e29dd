// A producer process of the queue benchmark (compiled package, plain node).
// Usage: node bench/lib/queue-producer.mjs REDIS_URL QUEUE SERVER_URL JOBS TAG
// Enqueues JOBS small sampler jobs, waits for every one, prints {"latencies": [ms...], "completed", "failed", "errors"}.
import { node, parseObjectInfo } from '../../dist/index.js'
import { createQueue } from '../../dist/queue/index.js'

const [redis, name, server, jobsText, tag] = process.argv.slice(2)
const jobs = Number(jobsText)
const defs = parseObjectInfo(await (await fetch(`${server}/object_info`)).text()).defs
const queue = createQueue({ redis, name, defs })
await queue.connect()

function samplerJob(i) {
  const ckpt = node('CheckpointLoaderSimple', { ckpt_name: 'v1-5-pruned-emaonly-fp16.safetensors' })
  const text = node('CLIPTextEncode', { text: `${tag} ${i}`, clip: ckpt.out(1) })
  const latent = node('EmptyLatentImage', { width: 16, height: 16, batch_size: 1 })
  const sampler = node('KSampler', {
    model: ckpt.out(0), positive: text.out(0), negative: text.out(0), latent_image: latent.out(0),
    seed: i, steps: 4, cfg: 7, sampler_name: 'euler', scheduler: 'normal', denoise: 1,
  })
  return [node('SaveImage', { images: node('VAEDecode', { samples: sampler.out(0), vae: ckpt.out(2) }).out(0), filename_prefix: `${tag}_${i}` })]
}

const latencies = []
const errors = []
let completed = 0
await Promise.all(
  Array.from({ length: jobs }, async (_, i) => {
    const start = performance.now()
    try {
      const job = await queue.enqueue(samplerJob(i), { jobId: `${tag}-${i}` })
      await job.wait({ timeout: 600_000 })
      latencies.push(performance.now() - start)
      completed++
    } catch (error) {
      errors.push(String(error?.message ?? error))
    }
  }),
)
await queue.close()
console.log(JSON.stringify({ latencies, completed, failed: errors.length, errors: errors.slice(0, 5) }))
