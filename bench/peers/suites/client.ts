/**
 * Client side by side: comfy-dsl, @saintno/comfyui-sdk, @stable-canvas/comfyui-client and comfy-ui-client run
 * the same job (the API prompt LoadImage -> ImageInvert -> SaveImage, each with its own filename prefix) against
 * one test server in its own process (clients/serve.mjs: why its settings). A job is the whole round trip each
 * library offers: post the prompt, learn of its end the library's own way (WebSocket events, plus whatever
 * HTTP reads it does), and receive the output PNG's bytes.
 *
 * Each sample is a fresh Node process per contender (clients/worker.mjs), so one library's JIT and GC never
 * bill another, and startup is outside every figure:
 * - import: the library's module (with `ws` for stable-canvas, which Node 20 needs given);
 * - connect: from the constructor to the library's "connected" (comfy-dsl: the socket open and registered by
 *   the server; the peers: the socket open), the library already imported. Libraries load their WebSocket
 *   module either at import (the peers) or on first connect (comfy-dsl), so `import+connect`, per sample, is
 *   the comparable cold start; `connect (again)` is a fresh client in the same process (median of 5);
 * - first job: the first job of the process, after connect: it pays for what the library loads on its first
 *   request (comfy-dsl loads undici then; saintno loads Node's fetch in connect, for its ping); one sample per
 *   process, so noisier than latency;
 * - first result: import + connect + first job, per sample: what a script that runs one job waits for, wherever
 *   a library puts its loading (at import, at connect or at the first request), so the comparable cold figure;
 * - latency: median of 50 sequential jobs, after 20 warm-up jobs;
 * - cpu/job: the process's own CPU (user + system) over those 50 jobs, divided by 50;
 * - jobs/s @8: 160 jobs, 8 at a time on one client: every library takes concurrent jobs on one client
 *   (comfy-dsl `run`, saintno one `CallWrapper` per job on one `ComfyApi`, stable-canvas `enqueue`,
 *   comfy-ui-client `getImages`), each listening on the one WebSocket;
 * - results: jobs (of the 210 measured) whose one PNG came back with the job's name and bytes; a job not done
 *   in 10 s counts as lost.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { compare, printComparison, type ComparisonRow, type Contender } from '../harness.js'
import { PEERS_DIR, ROUNDS } from '../paths.js'

const CLIENTS_DIR = join(PEERS_DIR, 'clients')
const CONTENDERS = [
  { name: 'comfy-dsl', adapter: 'dsl' },
  { name: 'saintno-sdk', adapter: 'saintno' },
  { name: 'stable-canvas', adapter: 'stable-canvas' },
  { name: 'comfy-ui-client', adapter: 'comfy-ui-client' },
] as const
// Higher is better for these; lower for the rest:
const HIGHER_IS_BETTER = new Set(['jobs/s @8', 'results'])

export async function clientSuite(): Promise<void> {
  const { child, url } = await serve()
  let expected = 0
  try {
    const contenders: Contender[] = CONTENDERS.map(({ name, adapter }) => ({
      name,
      warmup: () => sampleWorker(adapter, url),
      sample: async () => {
        const figures = await sampleWorker(adapter, url)
        expected = figures.expected
        return { import: figures.import, connect: figures.connect, 'import+connect': figures.import + figures.connect, 'connect (again)': figures.connectWarm, 'first job': figures.firstJob, 'first result': figures.import + figures.connect + figures.firstJob, latency: figures.latency, 'cpu/job': figures.cpu, 'jobs/s @8': figures.throughput, results: figures.results }
      },
    }))
    const rows = await compare({ rounds: ROUNDS, contenders })
    const format = (metric: string, v: number): string =>
      metric === 'jobs/s @8' ? `${v.toFixed(0)}/s` : metric === 'results' ? `${v}/${expected}` : `${v.toFixed(v < 10 ? 2 : 1)} ms`
    printComparison('client, one invert job (LoadImage -> ImageInvert -> SaveImage) against the test server', rows, format)
    printAgainstBestPeer(rows)
  } finally {
    child.kill('SIGTERM')
  }
}

interface WorkerFigures {
  import: number
  connect: number
  connectWarm: number
  firstJob: number
  latency: number
  cpu: number
  throughput: number
  results: number
  expected: number
  errors: string[]
}

async function sampleWorker(adapter: string, url: string): Promise<WorkerFigures> {
  const child = spawn(process.execPath, [join(CLIENTS_DIR, 'worker.mjs'), adapter, url], {
    cwd: PEERS_DIR,
    // stdout discarded (comfy-ui-client logs a line per prompt there); stderr shown:
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  const figures = await new Promise<WorkerFigures>((resolve, reject) => {
    let message: WorkerFigures | undefined
    child.once('message', (m) => (message = m as WorkerFigures))
    child.once('error', reject)
    child.once('exit', (code) => (message === undefined ? reject(new Error(`client worker ${adapter} exited ${code} without figures`)) : resolve(message)))
  })
  if (figures.errors.length > 0) console.log(`  ${adapter}: ${figures.expected - figures.results} of ${figures.expected} jobs without their result, e.g. ${figures.errors.join('; ')}`)
  return figures
}

async function serve(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(CLIENTS_DIR, 'serve.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve)
    child.once('exit', (code) => reject(new Error(`test server exited ${code}`)))
  })
  return { child, url }
}

/** comfy-dsl against the best peer of each metric, oriented so that <= 1.00 means comfy-dsl is at least as good. */
function printAgainstBestPeer(rows: readonly ComparisonRow[]): void {
  const metrics = [...new Set(rows.map((r) => r.metric))].sort()
  console.log('\ncomfy-dsl / best peer (<= 1.00: at or better than the best peer)')
  for (const metric of metrics) {
    const ours = rows.find((r) => r.metric === metric && r.contender === 'comfy-dsl')
    const peers = rows.filter((r) => r.metric === metric && r.contender !== 'comfy-dsl')
    if (ours === undefined || peers.length === 0) continue
    const higher = HIGHER_IS_BETTER.has(metric)
    const best = peers.reduce((a, b) => ((higher ? b.median > a.median : b.median < a.median) ? b : a))
    const ratio = higher ? best.median / ours.median : ours.median / best.median
    console.log(`  ${metric.padEnd(10)} ${ratio.toFixed(2)} (best peer: ${best.contender})`)
  }
}


