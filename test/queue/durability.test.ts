/**
 * What the queue survives, over real processes, a real Redis and test servers that count POSTs and executions
 * per prompt id: a worker killed with SIGKILL mid-job (the next worker collects the run instead of repeating
 * it), a worker stopped with SIGTERM (the job is handed back and followed, not repeated), Redis restarted with
 * persistence on, and a ComfyUI server killed mid-job with a second one in the pool.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { GraphInput } from '../../src/client/index.js'
import { createQueue, createWorker, type ComfyQueue, type QueuedJob, type QueueProgress } from '../../src/queue/index.js'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import { eventually, samplerGraph } from '../client/helpers.js'
import { startRedis, type TestRedis } from '../helpers/redis.js'
import { spawnWorker, stopWorker, type WorkerProcess } from './helpers.js'

let redis: TestRedis
const servers: TestServer[] = []
const workers: WorkerProcess[] = []
const open: { close(): Promise<void> }[] = []
let count = 0

beforeAll(async () => {
  redis = await startRedis({ persistence: true })
})

afterEach(async () => {
  await Promise.all(workers.splice(0).map(stopWorker))
  await Promise.all(open.splice(0).map((o) => o.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

afterAll(async () => {
  await redis.stop()
})

async function server(stepMs: number): Promise<TestServer> {
  const started = await startTestServer({ stepMs, cache: false })
  servers.push(started)
  return started
}

function queue(name: string, defsFrom: TestServer): ComfyQueue {
  const q = createQueue({ redis: redis.url, name, defs: defsFrom.objectInfo.current([]).defs })
  open.push(q)
  return q
}

function worker(name: string, urls: readonly string[], extra: readonly string[] = []): WorkerProcess {
  const args = ['--redis', redis.url, '--queue', name, '--lock-duration', '2', '--stalled-interval', '1', ...urls.flatMap((u) => ['--server', u]), ...extra]
  const spawned = spawnWorker(args)
  workers.push(spawned)
  return spawned
}

/** Enqueues with progress listened to first (a worker may start the job at once), all events kept. */
async function enqueueWatched(q: ComfyQueue, graph: GraphInput): Promise<{ job: QueuedJob; until: (match: (e: QueueProgress) => boolean) => Promise<QueueProgress> }> {
  const id = `watched-${++count}-${Date.now()}`
  const seen: QueueProgress[] = []
  const waiters: { match: (e: QueueProgress) => boolean; resolve: (e: QueueProgress) => void }[] = []
  await q.job(id).on((event) => {
    seen.push(event)
    for (const waiter of [...waiters]) {
      if (!waiter.match(event)) continue
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve(event)
    }
  })
  const job = await q.enqueue(graph, { jobId: id })
  const until = (match: (e: QueueProgress) => boolean): Promise<QueueProgress> => {
    const hit = seen.find(match)
    return hit !== undefined ? Promise.resolve(hit) : new Promise((resolve) => waiters.push({ match, resolve }))
  }
  return { job, until }
}

// Worker processes start slowly on a loaded machine (tsx compiles the CLI on the fly):
describe('a worker killed with SIGKILL mid-job', { timeout: 120_000 }, () => {
  it('is replaced by one that collects the running prompt instead of running it again', async () => {
    const a = await server(25)
    const name = `kill${++count}`
    const q = queue(name, a)
    const first = worker(name, [a.url])
    await first.printed(/ready/, 60_000)
    const { job, until } = await enqueueWatched(q, [samplerGraph({ steps: 60, seed: 1, prefix: 'killed' }).save])
    const dispatched = (await until((e) => e.type === 'dispatched')) as Extract<QueueProgress, { type: 'dispatched' }>
    // The replacement starts while the first holds the job: it takes the job once the first one's lock runs out.
    const second = worker(name, [a.url])
    await until((e) => e.type === 'progress' && e.value >= 5)
    first.child.kill('SIGKILL')
    await first.exited
    const results = await job.wait({ timeout: 90_000 })
    expect(results.promptId).toBe(dispatched.promptId)
    expect(results.adopted).toBe(true)
    expect(a.promptRequests.get(dispatched.promptId)).toBe(1)
    expect(a.executions.get(dispatched.promptId)).toBe(1)
    await second.printed(/collected a run made before/)
  })

  it('is replaced by one that collects a prompt that finished while no worker was alive', async () => {
    const a = await server(5)
    const name = `kill${++count}`
    const q = queue(name, a)
    const first = worker(name, [a.url])
    await first.printed(/ready/, 60_000)
    // 200 steps of 5 ms: killed while it runs (progress comes every 100 ms), even on a loaded machine.
    const { job, until } = await enqueueWatched(q, [samplerGraph({ steps: 200, seed: 2, prefix: 'orphan' }).save])
    const stepping = until((e) => e.type === 'progress')
    const { promptId } = (await until((e) => e.type === 'dispatched')) as Extract<QueueProgress, { type: 'dispatched' }>
    await stepping
    first.child.kill('SIGKILL')
    await first.exited
    await eventually(() => a.queue.history.has(promptId), 10_000)
    const second = worker(name, [a.url])
    await second.printed(/ready/, 60_000)
    const results = await job.wait({ timeout: 90_000 })
    expect(results.adopted).toBe(true)
    expect(results.images).toHaveLength(1)
    expect(a.executions.get(promptId)).toBe(1)
    expect(a.promptRequests.get(promptId)).toBe(1)
  })

  it('is replaced by one that posts the prompt when the server never got it (killed between record and POST)', async () => {
    const a = await server(5)
    const name = `kill${++count}`
    const q = queue(name, a)
    const first = worker(name, [a.url])
    await first.printed(/ready/, 60_000)
    // The server holds every POST for a while: the worker dies with the placement recorded and its POST unanswered.
    a.inject({ kind: 'stall', method: 'POST', path: '/prompt' })
    const { job, until } = await enqueueWatched(q, [samplerGraph({ steps: 3, seed: 6, prefix: 'unposted' }).save])
    const { promptId } = (await until((e) => e.type === 'dispatched')) as Extract<QueueProgress, { type: 'dispatched' }>
    const second = worker(name, [a.url])
    // Killed once the POST reached the server (the stall fault is used up), never before:
    await eventually(() => {
      const armed = a.faults.takeHttp('POST', '/prompt')
      if (armed !== undefined) a.faults.add(armed)
      return armed === undefined
    }, 60_000)
    first.child.kill('SIGKILL')
    await first.exited
    await second.printed(/ready/, 60_000)
    const results = await job.wait({ timeout: 90_000 })
    expect(results.adopted).toBe(false)
    expect(a.executions.get(promptId)).toBe(1)
    expect(a.promptRequests.get(promptId)).toBe(1)
    expect((await job.placements()).map((p) => p.server)).toEqual([a.url, a.url])
  })
})

describe('a worker stopped with SIGTERM', { timeout: 120_000 }, () => {
  it('hands a running job back after its shutdown timeout; the next worker follows it, nothing runs twice', async () => {
    const a = await server(25)
    const name = `term${++count}`
    const q = queue(name, a)
    const first = worker(name, [a.url], ['--shutdown-timeout', '0.3'])
    await first.printed(/ready/, 60_000)
    const { job, until } = await enqueueWatched(q, [samplerGraph({ steps: 80, seed: 3, prefix: 'handed' }).save])
    const { promptId } = (await until((e) => e.type === 'dispatched')) as Extract<QueueProgress, { type: 'dispatched' }>
    await until((e) => e.type === 'progress')
    const second = worker(name, [a.url])
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    expect(first.output()).toContain(`handed back ${job.id}`)
    await second.printed(/ready/, 60_000)
    const results = await job.wait({ timeout: 90_000 })
    expect(results.adopted).toBe(true)
    expect(a.executions.get(promptId)).toBe(1)
    expect(a.promptRequests.get(promptId)).toBe(1)
  })

  it('lets a short job finish before exiting', async () => {
    const a = await server(10)
    const name = `term${++count}`
    const q = queue(name, a)
    const first = worker(name, [a.url])
    await first.printed(/ready/, 60_000)
    const { job, until } = await enqueueWatched(q, [samplerGraph({ steps: 20, seed: 4, prefix: 'finish' }).save])
    await until((e) => e.type === 'progress')
    first.child.kill('SIGTERM')
    const results = await job.wait({ timeout: 90_000 })
    expect(await first.exited).toBe(0)
    expect(results.adopted).toBe(false)
    expect(first.output()).toContain(`done ${job.id}`)
  })
})

describe('Redis restarted with persistence on', { timeout: 120_000 }, () => {
  it('keeps queued jobs and completes every job once, the worker and producer reconnecting', async () => {
    const a = await server(10)
    const name = `redis${++count}`
    const q = queue(name, a)
    const jobs = await Promise.all(Array.from({ length: 8 }, (_, i) => q.enqueue([samplerGraph({ steps: 6, seed: 100 + i, prefix: `persist${i}` }).save])))
    await redis.restart()
    const w = createWorker({ redis: redis.url, name, servers: [a.url], lockDuration: 2000, stalledInterval: 1000 })
    open.unshift(w)
    const done = new Set<string>()
    w.on('completed', (e) => done.add(e.jobId))
    await eventually(() => done.size >= 3, 20_000)
    await redis.restart()
    const results = await Promise.all(jobs.map((j) => j.wait({ timeout: 60_000 })))
    expect(new Set(results.map((r) => r.promptId)).size).toBe(8)
    for (const r of results) {
      expect(a.executions.get(r.promptId)).toBe(1)
      expect(a.promptRequests.get(r.promptId)).toBe(1)
    }
  })
})

describe('a ComfyUI server killed mid-job', { timeout: 120_000 }, () => {
  it('moves the job to the second server of the pool: one result, one full run', async () => {
    const a = await server(30)
    const b = await server(5)
    const name = `server${++count}`
    const q = queue(name, a)
    const w = createWorker({
      redis: redis.url,
      name,
      servers: [a.url, { url: b.url, weight: 0.01 }],
      poolOptions: { healthInterval: 100, healthTimeout: 500 },
    })
    open.unshift(w)
    const { job, until } = await enqueueWatched(q, [samplerGraph({ steps: 60, seed: 5, prefix: 'survivor' }).save])
    await until((e) => e.type === 'progress')
    await a.close()
    const results = await job.wait({ timeout: 90_000 })
    expect(results.server).toBe(b.url)
    expect(b.executions.get(results.promptId)).toBe(1)
    expect(a.executions.get(results.promptId)).toBe(1)
    expect(a.queue.history.get(results.promptId)?.status.status_str).not.toBe('success')
    await until((e) => e.type === 'dispatched' && e.server === b.url)
    await until((e) => e.type === 'moved' && e.from === a.url)
    expect((await job.placements()).map((p) => p.server)).toEqual([a.url, b.url])
  })
})
