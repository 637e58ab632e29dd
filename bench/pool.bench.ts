/**
 * ComfyPool throughput: the same jobs through a pool of one test server and a pool of two, each server in its
 * own process (a GPU each: samplers at 20 ms a step, so a job is mostly the server's time), measured in
 * alternating rounds. Also a direct client on one server, for the pool's own cost.
 *
 *   npm run bench -- pool
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { ComfyClient, ComfyPool, type ComfyRunner } from '../src/client/index.js'
import { node } from '../src/dsl/index.js'
import { median, printTable, type Row } from './lib/stats.js'

const JOBS = 60
const CONCURRENCY = 8
const ROUNDS = 3

const children: ChildProcess[] = []
try {
  const [a, b] = await Promise.all([spawnServer(), spawnServer()])
  const single: number[] = []
  const pair: number[] = []
  const direct: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    direct.push(await throughput(() => new ComfyClient({ url: a }), round))
    single.push(await throughput(() => new ComfyPool({ servers: [a] }), round))
    pair.push(await throughput(() => new ComfyPool({ servers: [a, b] }), round))
  }
  const ratio = median(pair) / median(single)
  const rows: Row[] = [
    { measure: 'direct client, one server', value: `${median(direct).toFixed(1)} jobs/s`, note: `${JOBS} jobs at concurrency ${CONCURRENCY}, ${ROUNDS} rounds` },
    { measure: 'pool of one server', value: `${median(single).toFixed(1)} jobs/s`, note: 'the pool\'s own cost against the line above' },
    { measure: 'pool of two servers', value: `${median(pair).toFixed(1)} jobs/s` },
    { measure: '  two servers / one server', value: `${ratio.toFixed(2)}x`, target: '>= 1.8x', note: 'rounds alternate, medians compared' },
  ]
  printTable('ComfyPool throughput (each test server in its own process, 4 sampler steps of 20 ms a job)', rows)
} finally {
  for (const child of children) child.kill('SIGKILL')
}

async function spawnServer(): Promise<string> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./lib/test-servers.mjs', import.meta.url)), '1', '20'], { stdio: ['pipe', 'pipe', 'inherit'] })
  children.push(child)
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve))
  return (JSON.parse(line) as { urls: string[] }).urls[0] as string
}

function samplerJob(round: number, i: number): ReturnType<typeof node>[] {
  const ckpt = node('CheckpointLoaderSimple', { ckpt_name: 'v1-5-pruned-emaonly-fp16.safetensors' })
  const text = node('CLIPTextEncode', { text: `round ${round} job ${i}`, clip: ckpt.out(1) })
  const latent = node('EmptyLatentImage', { width: 16, height: 16, batch_size: 1 })
  const sampler = node('KSampler', {
    model: ckpt.out(0), positive: text.out(0), negative: text.out(0), latent_image: latent.out(0),
    seed: i, steps: 4, cfg: 7, sampler_name: 'euler', scheduler: 'normal', denoise: 1,
  })
  return [node('SaveImage', { images: node('VAEDecode', { samples: sampler.out(0), vae: ckpt.out(2) }).out(0), filename_prefix: `pool${i % 10}` })]
}

async function throughput(make: () => ComfyRunner, round: number): Promise<number> {
  const runner = make()
  await runner.run(samplerJob(round, JOBS))
  let next = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < JOBS) await runner.run(samplerJob(round, next++))
    }),
  )
  const seconds = (performance.now() - start) / 1000
  await runner.close()
  return JOBS / seconds
}
