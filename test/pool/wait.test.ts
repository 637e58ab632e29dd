/**
 * A pool job's `wait` keeps its timeout like a client job's: it rejects on time even when the server stalls the
 * cancel (`POST /queue`, `POST /interrupt` never answered), runs that cancel in the background, and honours `deadline`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ComfyPool, JobInterruptedError, JobTimeoutError, type ComfyPoolOptions, type PoolJob } from '../../src/client/index.js'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import { eventually, samplerGraph } from '../client/helpers.js'
import { startHostileProxy, type HostileProxy } from '../client/hostile-proxy.js'

let server: TestServer
let proxy: HostileProxy
const pools: ComfyPool[] = []

beforeAll(async () => {
  server = await startTestServer({ stepMs: 20 })
  proxy = await startHostileProxy(server.port)
})

afterEach(async () => {
  proxy.decide = () => undefined
  await Promise.all(pools.splice(0).map((p) => p.close()))
  server.queue.clear()
  server.queue.interrupt()
})

afterAll(async () => {
  await proxy.close()
  await server.close()
})

function pool(client: ComfyPoolOptions['client'] = {}): ComfyPool {
  const created = new ComfyPool({
    servers: [proxy.url],
    healthInterval: 100,
    healthTimeout: 500,
    client: { timeout: 30_000, pollInterval: 50, reconnect: { minDelay: 20, maxDelay: 100 }, ...client },
  })
  pools.push(created)
  return created
}

/** A long job, running on the server. */
async function running(p: ComfyPool, seed: number): Promise<PoolJob> {
  const job = await p.submit([samplerGraph({ steps: 2000, seed, prefix: 'long' }).save])
  await eventually(() => job.state === 'running')
  return job
}

/** How `promise` settled within `ms`: its rejection, its value, or 'pending'. */
async function within(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise((resolve) => (timer = setTimeout(() => resolve('pending'), ms)))
  try {
    return await Promise.race([promise.catch((e: unknown) => e), late])
  } finally {
    clearTimeout(timer)
  }
}

const stallCancels = (): void => {
  proxy.decide = (r) => (r.method === 'POST' && (r.path === '/queue' || r.path === '/interrupt') ? { kind: 'stall' } : undefined)
}

describe('pool job wait against a server that stalls the cancel', () => {
  it('rejects with JobTimeoutError on time with cancelOnTimeout, and close waits only for the bounded cancel', async () => {
    const p = pool({ cancelTimeout: 1500 })
    const debug: string[] = []
    p.on('debug', (message) => debug.push(message))
    const job = await running(p, 301)
    stallCancels()
    const started = Date.now()
    const error = await within(job.wait({ timeout: 300, cancelOnTimeout: true }), 1000)
    expect(error).toBeInstanceOf(JobTimeoutError)
    expect(Date.now() - started).toBeLessThan(300 + 250)
    // The cancel ran in the background and its failure is reported, not thrown:
    await eventually(() => debug.some((m) => m.startsWith(`cancel of ${job.id} failed`)), 3000)
    const closing = Date.now()
    await p.close()
    expect(Date.now() - closing).toBeLessThan(1500 + 500)
  })

  it('rejects with JobInterruptedError at once on abort', async () => {
    const p = pool({ cancelTimeout: 1500 })
    const job = await running(p, 302)
    stallCancels()
    const controller = new AbortController()
    const waiting = job.wait({ signal: controller.signal })
    setTimeout(() => controller.abort(), 300)
    const started = Date.now()
    const error = await within(waiting, 1000)
    expect(error).toBeInstanceOf(JobInterruptedError)
    expect((error as JobInterruptedError).byClient).toBe(true)
    expect((error as JobInterruptedError).phase).toBe('running')
    expect(Date.now() - started).toBeLessThan(300 + 250)
  })
})

describe('pool job wait', () => {
  it('honours deadline: the timeout counts from it, not from the call', async () => {
    const p = pool()
    const job = await running(p, 303)
    const started = Date.now()
    const error = await within(job.wait({ timeout: 5000, deadline: started + 200 }), 1000)
    expect(error).toBeInstanceOf(JobTimeoutError)
    expect((error as JobTimeoutError).timeoutMs).toBe(5000)
    expect(Date.now() - started).toBeLessThan(200 + 250)
    // Without cancelOnTimeout the job keeps running:
    expect(await job.status()).toBe('running')
  })

  it('cancels on the server in the background after a timeout with cancelOnTimeout', async () => {
    const p = pool()
    const job = await running(p, 304)
    await expect(job.wait({ timeout: 200, cancelOnTimeout: true })).rejects.toBeInstanceOf(JobTimeoutError)
    const error = await job.results().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(JobInterruptedError)
    expect((error as JobInterruptedError).byClient).toBe(true)
    await eventually(() => server.queue.history.get(job.id)?.status.messages.some(([type]) => type === 'execution_interrupted') === true)
  })

  it('run counts its submit in its timeout, as the client\'s run does', async () => {
    const p = pool()
    await p.connect()
    proxy.decide = (r) => (r.method === 'POST' && r.path === '/prompt' ? { kind: 'delay', ms: 600 } : undefined)
    const started = Date.now()
    const error = await within(p.run([samplerGraph({ steps: 2000, seed: 305, prefix: 'long' }).save], { timeout: 1000 }), 2000)
    expect(error).toBeInstanceOf(JobTimeoutError)
    expect(Date.now() - started).toBeLessThan(1000 + 250)
  })
})
