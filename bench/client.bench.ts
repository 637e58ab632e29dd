/**
 * Client figures against the test server on loopback, the server in its own process (so the client's CPU is
 * measured alone): connect time, client overhead per job beyond the server's execution time, throughput at
 * concurrency 8, 100 jobs in flight on one socket with the client's CPU while waiting, and a 4 MB download
 * against a raw undici request.
 *
 *   npx tsx bench/client.bench.ts
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { Agent, request } from 'undici'
import { ComfyClient, OutputFile, type JobResults } from '../src/client/index.js'
import { node } from '../src/dsl/index.js'
import { startTestServer } from '../src/testing/index.js'
import { median, ms, printTable, type Row } from './lib/stats.js'

if (process.argv.includes('--serve')) {
  // Child mode: the test server without output caching (each job really executes), samplers 50 ms a step
  // (20 steps a second, about what SD 1.5 does on a mid-range GPU).
  const server = await startTestServer({ cache: false, stepMs: 50, previews: false })
  console.log(server.url)
} else {
  await main()
}

async function main(): Promise<void> {
  const { child, url } = await serveInChild()
  const rows: Row[] = []
  try {
    rows.push(await connectTime(url))
    rows.push(...(await overheadPerJob(url)))
    rows.push(await throughput(url))
    rows.push(...(await manyInFlight(url)))
    rows.push(...(await download(url)))
  } finally {
    child.kill()
  }
  printTable('client against the test server (loopback, server in another process)', rows)
}

async function serveInChild(): Promise<{ child: ChildProcess; url: string }> {
  const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url))
  const child = spawn(process.execPath, [tsx, fileURLToPath(import.meta.url), '--serve'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  const url = await new Promise<string>((resolve) => lines.once('line', resolve))
  return { child, url }
}

function invertJob(i: number): ReturnType<typeof node>[] {
  const load = node('LoadImage', { image: 'example.png' })
  const invert = node('ImageInvert', { image: load.out(0) })
  return [node('SaveImage', { images: invert.out(0), filename_prefix: `bench${i % 10}` })]
}

async function connectTime(url: string): Promise<Row> {
  const agent = new Agent()
  const times: number[] = []
  for (let i = 0; i < 40; i++) {
    const client = new ComfyClient({ url, dispatcher: agent })
    const start = performance.now()
    await client.connect()
    if (i >= 5) times.push(performance.now() - start)
    await client.close()
  }
  await agent.close()
  return { measure: 'connect (socket open and registered)', value: ms(median(times)), target: '<= 15 ms', note: '35 fresh clients' }
}

async function overheadPerJob(url: string): Promise<Row[]> {
  const client = new ComfyClient({ url })
  await client.connect()
  const total: number[] = []
  const overhead: number[] = []
  const server: number[] = []
  let fromEvents = 0
  for (let i = 0; i < 130; i++) {
    const start = performance.now()
    const results: JobResults = await client.run(invertJob(i))
    const elapsed = performance.now() - start
    if (i < 30) continue
    const exec = results.timing.executionMs ?? 0
    total.push(elapsed)
    server.push(exec)
    overhead.push(elapsed - exec)
    if (results.source === 'events') fromEvents++
  }
  await client.close()
  return [
    { measure: 'LoadImage->ImageInvert->SaveImage end to end', value: ms(median(total)), note: '100 sequential jobs' },
    { measure: '  server execution (event timestamps)', value: ms(median(server)) },
    { measure: '  client overhead (end to end - execution)', value: ms(median(overhead)), target: '<= 5 ms', note: `${fromEvents}/100 completed from events, no /history read` },
  ]
}

async function throughput(url: string): Promise<Row> {
  const client = new ComfyClient({ url })
  await client.connect()
  const jobs = 200
  let next = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < jobs) await client.run(invertJob(next++))
    }),
  )
  const seconds = (performance.now() - start) / 1000
  await client.close()
  return { measure: 'throughput at concurrency 8', value: `${(jobs / seconds).toFixed(0)} jobs/s`, note: `${jobs} jobs, one client` }
}

function samplerJob(i: number, steps: number): ReturnType<typeof node>[] {
  const ckpt = node('CheckpointLoaderSimple', { ckpt_name: 'v1-5-pruned-emaonly-fp16.safetensors' })
  const text = node('CLIPTextEncode', { text: `job ${i}`, clip: ckpt.out(1) })
  const latent = node('EmptyLatentImage', { width: 16, height: 16, batch_size: 1 })
  const sampler = node('KSampler', {
    model: ckpt.out(0), positive: text.out(0), negative: text.out(0), latent_image: latent.out(0),
    seed: i, steps, cfg: 7, sampler_name: 'euler', scheduler: 'normal', denoise: 1,
  })
  return [node('SaveImage', { images: node('VAEDecode', { samples: sampler.out(0), vae: ckpt.out(2) }).out(0), filename_prefix: `many${i}` })]
}

async function manyInFlight(url: string): Promise<Row[]> {
  const client = new ComfyClient({ url })
  await client.connect()
  // All complete, each once: 100 short jobs (one sampler step each) submitted at once.
  const jobs = await Promise.all(Array.from({ length: 100 }, (_, i) => client.submit(samplerJob(i, 1))))
  const starts = new Map<string, number>()
  for (const job of jobs) job.on((e) => e.type === 'started' && starts.set(job.id, (starts.get(job.id) ?? 0) + 1))
  const wallBefore = performance.now()
  const results = await Promise.all(jobs.map((j) => j.wait({ timeout: 120_000 })))
  const wall = performance.now() - wallBefore
  const history = await client.histories()
  const once = results.every((r) => history[r.promptId]?.status?.status_str === 'success') && new Set(results.map((r) => r.promptId)).size === 100

  await client.close()
  const { idle: idlePercent, busy: cpuPercent } = clientCpu(url)
  return [
    { measure: '100 jobs in flight on one client', value: `${results.length}/100`, note: `each once: ${once && [...starts.values()].every((n) => n === 1)}; one WebSocket; ${(wall / 1000).toFixed(1)} s` },
    { measure: '  client CPU while waiting', value: `${cpuPercent.toFixed(2)} %`, target: '< 1 %', note: '100 jobs queued, one sampling: a step (2 messages) every 50 ms' },
    { measure: '  same process, connected, no job', value: `${idlePercent.toFixed(2)} %`, note: 'baseline: compiled client under plain node' },
  ]
}

// Measured in a plain-node process on dist/ (bench/run.ts builds it first): see bench/lib/client-cpu.mjs.
function clientCpu(url: string): { idle: number; busy: number } {
  const script = fileURLToPath(new URL('./lib/client-cpu.mjs', import.meta.url))
  const output = execFileSync(process.execPath, [script, url], { encoding: 'utf8' })
  return JSON.parse(output.trim().split('\n').at(-1) as string) as { idle: number; busy: number }
}

async function download(url: string): Promise<Row[]> {
  const client = new ComfyClient({ url })
  // Noise does not compress: a ~4 MB PNG.
  const pixels = Buffer.alloc(1160 * 1160 * 3)
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 24
  const png = await sharp(pixels, { raw: { width: 1160, height: 1160, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer()
  const uploaded = await client.upload(png)
  const file = new OutputFile(client.http, { filename: uploaded.name, subfolder: '', type: 'input' }, 'images', 'bench')
  const agent = new Agent()
  const raw: number[] = []
  const ours: number[] = []
  const rawOnce = async (): Promise<Buffer> => Buffer.from(await (await request(file.url, { dispatcher: agent })).body.arrayBuffer())
  // Alternating which goes first, so neither always runs on a warmer cache:
  for (let i = 0; i < 60; i++) {
    const order = i % 2 === 0 ? [rawOnce, () => file.buffer()] : [() => file.buffer(), rawOnce]
    const times: number[] = []
    const buffers: Buffer[] = []
    for (const fn of order) {
      const start = performance.now()
      buffers.push(await fn())
      times.push(performance.now() - start)
    }
    if (i < 10) continue
    raw.push(i % 2 === 0 ? (times[0] as number) : (times[1] as number))
    ours.push(i % 2 === 0 ? (times[1] as number) : (times[0] as number))
    if (!(buffers[0] as Buffer).equals(buffers[1] as Buffer)) throw new Error('download mismatch')
  }
  await agent.close()
  await client.close()
  const ratio = median(ours) / median(raw)
  return [
    { measure: `download ${(png.length / 1e6).toFixed(1)} MB: raw undici request`, value: ms(median(raw)) },
    { measure: '  OutputFile.buffer()', value: ms(median(ours)), target: '<= 1.5x raw', note: `${ratio.toFixed(2)}x` },
  ]
}
