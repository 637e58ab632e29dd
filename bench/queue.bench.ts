/**
 * The durable queue under load, every part in its own process on the compiled package: a real Redis on
 * loopback, 2 test servers, 2 worker processes (`comfy-dsl worker` over both servers), 1,000 jobs from 2 producer
 * processes; halfway through, one worker is killed with SIGKILL and started again. Reports jobs/s, lost jobs,
 * jobs run twice (the servers count executions per prompt id), p50/p99 latency (enqueue to result), and the
 * queue's overhead per job over a direct `client.run` (sequential jobs, interleaved).
 *
 *   npm run bench -- queue
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { createInterface, type Interface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { QueueEvents } from 'bullmq'
import { ComfyClient } from '../src/client/index.js'
import { parseObjectInfo } from '../src/defs/load.js'
import { node } from '../src/dsl/index.js'
import { createQueue } from '../src/queue/index.js'
import { startRedis } from '../test/helpers/redis.js'
import { median, ms, printTable, type Row } from './lib/stats.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))
const JOBS_PER_PRODUCER = 500

const redis = await startRedis()
// Each test server in its own process (the two GPUs of the setup), samplers at 10 ms a step:
const servers = [spawnServer(), spawnServer()]
const children: ChildProcess[] = servers.map((s) => s.child)
try {
  const [a, b] = await Promise.all(servers.map((s) => s.url))
  const rows: Row[] = []
  rows.push(...(await overhead(redis.url, a as string)))
  rows.push(...(await underLoad(redis.url, [a as string, b as string])))
  printTable('durable queue: 2 workers x 2 test servers, Redis on loopback (each in its own process)', rows)
} finally {
  for (const child of children) child.kill('SIGKILL')
  await redis.stop()
}

function spawnServer(): { child: ChildProcess; url: Promise<string>; counts: () => Promise<Counts> } {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./lib/test-servers.mjs', import.meta.url)), '1', '10'], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  const url = nextLine(lines).then((line) => (JSON.parse(line) as { urls: string[] }).urls[0] as string)
  return {
    child,
    url,
    counts: async () => {
      const reply = nextLine(lines)
      child.stdin?.write('counts\n')
      return JSON.parse(await reply) as Counts
    },
  }
}

type Counts = Record<string, { executions: Record<string, number>; posts: Record<string, number> }>

function nextLine(lines: Interface): Promise<string> {
  return new Promise((resolve) => lines.once('line', resolve))
}

function worker(redisUrl: string, queue: string, urls: readonly string[], extra: readonly string[] = []): ChildProcess {
  const args = [CLI, 'worker', '--redis', redisUrl, '--queue', queue, '--lock-duration', '2', '--stalled-interval', '1', ...urls.flatMap((u) => ['--server', u]), ...extra]
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] })
  children.push(child)
  // BENCH_LOGS=dir keeps each worker's log (servers up/down, moves, retries) for a look afterwards:
  const logs = process.env['BENCH_LOGS']
  if (logs !== undefined) child.stderr?.pipe(createWriteStream(join(logs, `worker-${children.length}-${child.pid}.log`)))
  return child
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      output += String(chunk)
      if (output.includes(' ready:')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`worker exited (${code}):\n${output}`)))
  })
}

function invertJob(i: number): ReturnType<typeof node>[] {
  const load = node('LoadImage', { image: 'example.png' })
  const invert = node('ImageInvert', { image: load.out(0) })
  return [node('SaveImage', { images: invert.out(0), filename_prefix: `overhead${i % 10}` })]
}

// One job at a time, rotating a direct client.run and enqueue + wait through one worker on the same server, with
// the outputs left on the server (a reference, as client.run returns them) or copied into Redis (the default).
async function overhead(redisUrl: string, server: string): Promise<Row[]> {
  const stamp = Date.now()
  const byReference = worker(redisUrl, `ref-${stamp}`, [server], ['--concurrency', '1', '--inline-limit', '0'])
  const inline = worker(redisUrl, `inline-${stamp}`, [server], ['--concurrency', '1'])
  await Promise.all([ready(byReference), ready(inline)])
  const defs = parseObjectInfo(await (await fetch(`${server}/object_info`)).text()).defs
  const queues = [createQueue({ redis: redisUrl, name: `ref-${stamp}`, defs }), createQueue({ redis: redisUrl, name: `inline-${stamp}`, defs })]
  await Promise.all(queues.map((q) => q.connect()))
  const client = new ComfyClient({ url: server })
  await client.connect()
  const times: number[][] = [[], [], []]
  const runs = [
    () => client.run(invertJob(0)),
    async () => (await (queues[0] as ReturnType<typeof createQueue>).enqueue(invertJob(0))).wait(),
    async () => (await (queues[1] as ReturnType<typeof createQueue>).enqueue(invertJob(0))).wait(),
  ]
  for (let i = 0; i < 130; i++) {
    for (let k = 0; k < 3; k++) {
      const which = (i + k) % 3
      const start = performance.now()
      await (runs[which] as () => Promise<unknown>)()
      if (i >= 30) (times[which] as number[]).push(performance.now() - start)
    }
  }
  await client.close()
  await Promise.all(queues.map((q) => q.close()))
  byReference.kill('SIGTERM')
  inline.kill('SIGTERM')
  const [direct, ref, copied] = times.map(median) as [number, number, number]
  return [
    { measure: 'direct client.run, LoadImage->ImageInvert->SaveImage', value: ms(direct), note: '100 sequential jobs, rotated with the two below' },
    { measure: 'enqueue + wait, outputs left on the server', value: ms(ref), note: 'results as client.run gives them: references' },
    { measure: '  queue overhead per job (p50 difference)', value: ms(ref - direct), target: '<= 5 ms' },
    { measure: 'enqueue + wait, outputs copied into Redis', value: ms(copied), note: 'the default: the worker downloads each file for remote producers' },
    { measure: '  overhead per job with the copy', value: ms(copied - direct) },
  ]
}

async function underLoad(redisUrl: string, urls: readonly string[]): Promise<Row[]> {
  const name = `load-${Date.now()}`
  const workers = [worker(redisUrl, name, urls), worker(redisUrl, name, urls)]
  await Promise.all(workers.map(ready))
  const events = new QueueEvents(name, { connection: { host: '127.0.0.1', port: redis.port } })
  await events.waitUntilReady()
  let completed = 0
  let killedAt = 0
  let restarted: Promise<void> | undefined
  events.on('completed', () => {
    completed++
    if (completed === (2 * JOBS_PER_PRODUCER) / 2 && restarted === undefined) {
      killedAt = completed
      ;(workers[0] as ChildProcess).kill('SIGKILL')
      const again = worker(redisUrl, name, urls)
      restarted = ready(again)
    }
  })
  const start = performance.now()
  const producers = [0, 1].map((p) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./lib/queue-producer.mjs', import.meta.url)), redisUrl, name, urls[0] as string, String(JOBS_PER_PRODUCER), `p${p}`], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    children.push(child)
    return nextLine(createInterface({ input: child.stdout as NodeJS.ReadableStream })).then(
      (line) => JSON.parse(line) as { latencies: number[]; completed: number; failed: number; errors: string[] },
    )
  })
  const reports = await Promise.all(producers)
  const wall = performance.now() - start
  await restarted
  await events.close()
  const counts = Object.assign({}, ...(await Promise.all(servers.map((s) => s.counts())))) as Counts
  const perPrompt = new Map<string, number>()
  for (const { executions } of Object.values(counts)) for (const [id, n] of Object.entries(executions)) perPrompt.set(id, (perPrompt.get(id) ?? 0) + n)
  const twice = [...perPrompt.values()].filter((n) => n > 1).length
  const total = 2 * JOBS_PER_PRODUCER
  const done = reports.reduce((s, r) => s + r.completed, 0)
  const latencies = reports.flatMap((r) => r.latencies).sort((x, y) => x - y)
  const p = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] as number
  const errors = reports.flatMap((r) => r.errors)
  if (latencies.length === 0) throw new Error(`no job completed: ${errors.slice(0, 3).join('; ')}`)
  const share = Object.entries(counts).map(([url, c]) => `${url.replace('http://127.0.0.1:', ':')} ${Object.keys(c.executions).length}`).join(', ')
  return [
    { measure: `${total} jobs, 2 producers, 2 workers x 2 servers`, value: `${(total / (wall / 1000)).toFixed(0)} jobs/s`, note: `${(wall / 1000).toFixed(1)} s; prompts per server: ${share}` },
    { measure: '  lost (enqueued, never completed)', value: String(total - done), target: '0', note: errors.length > 0 ? String(errors[0]) : `worker 1 SIGKILLed after ${killedAt} completions, restarted` },
    { measure: '  run twice (executions per prompt id > 1)', value: String(twice), target: '0', note: `${perPrompt.size} prompt ids executed` },
    { measure: '  latency enqueue -> result, p50', value: ms(p(0.5)), note: 'all 1,000 enqueued at once' },
    { measure: '  latency enqueue -> result, p99', value: ms(p(0.99)) },
  ]
}
