/**
 * ComfyPool over test servers on real sockets: routing by each server's definitions, load, tags, failover when a
 * server dies or vanishes for a while (exactly one result, the copies left behind removed), adoption of a prompt
 * another client posted, cancel, and health checks bringing a server back.
 */
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ComfyClient,
  ComfyPool,
  JobInterruptedError,
  NoCapableServerError,
  type ComfyPoolOptions,
  type PoolEvents,
} from '../../src/client/index.js'
import { BUNDLED_OBJECT_INFO, startTestServer, type TestServer, type TestServerOptions } from '../../src/testing/index.js'
import { eventually, invertGraph, samplerGraph, TEST_PNG } from '../client/helpers.js'

const servers: TestServer[] = []
const pools: ComfyPool[] = []

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function server(options: TestServerOptions = {}): Promise<TestServer> {
  const started = await startTestServer({ stepMs: 5, ...options })
  servers.push(started)
  return started
}

function pool(options: Partial<ComfyPoolOptions> & Pick<ComfyPoolOptions, 'servers'>): ComfyPool {
  const created = new ComfyPool({ healthInterval: 100, healthTimeout: 500, client: { pollInterval: 50, reconnect: { minDelay: 20, maxDelay: 100 } }, ...options })
  pools.push(created)
  return created
}

/** Records pool events by name. */
function record(target: ComfyPool): { [K in keyof PoolEvents]: Parameters<PoolEvents[K]>[] } {
  const log = { dispatch: [], adopt: [], move: [], 'server-up': [], 'server-down': [], cleanup: [], warning: [], debug: [] } as {
    [K in keyof PoolEvents]: Parameters<PoolEvents[K]>[]
  }
  for (const name of Object.keys(log) as (keyof PoolEvents)[]) target.on(name, ((...args: never[]) => log[name].push(args as never)) as never)
  return log
}

const objectInfoWithout = (...classes: string[]): Record<string, unknown> => {
  const raw = JSON.parse(readFileSync(BUNDLED_OBJECT_INFO, 'utf8')) as Record<string, unknown>
  for (const c of classes) delete raw[c]
  return raw
}

describe('capability-aware routing', () => {
  it('sends a graph only to servers whose definitions and files accept it', async () => {
    const noInvert = await server({ objectInfo: objectInfoWithout('ImageInvert') })
    const sdxl = await server({ models: { checkpoints: ['sdxl_only.safetensors'] } })
    const p = pool({ servers: [noInvert.url, sdxl.url] })
    const events = record(p)
    const inverted = await p.run([invertGraph('example.png', 'routed').save], { timeout: 10_000 })
    expect(sdxl.executions.get(inverted.promptId)).toBe(1)
    const sampled = await p.run([samplerGraph({ steps: 2, ckpt: 'sdxl_only.safetensors', prefix: 'sdxl' }).save], { timeout: 10_000 })
    expect(sdxl.executions.get(sampled.promptId)).toBe(1)
    expect(noInvert.executions.size).toBe(0)
    expect(events.dispatch.map(([e]) => e.server)).toEqual([sdxl.url, sdxl.url])
  })

  it('refuses up front a graph no server can run, with the reasons per server', async () => {
    const a = await server({ objectInfo: objectInfoWithout('ImageInvert') })
    const b = await server()
    const p = pool({ servers: [a.url, b.url] })
    const error = await p.submit([samplerGraph({ steps: 2, ckpt: 'missing.safetensors' }).save, invertGraph().save]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NoCapableServerError)
    const reasons = (error as NoCapableServerError).reasons
    expect([...reasons.keys()]).toEqual([a.url, b.url])
    expect(reasons.get(a.url)?.join('\n')).toContain('ImageInvert')
    expect(reasons.get(b.url)?.join('\n')).toContain('missing.safetensors')
    expect((error as Error).message).toContain(b.url)
    expect(a.promptRequests.size + b.promptRequests.size).toBe(0)
  })

  it('judges nodes that receive an uploaded image as if the file were there', async () => {
    const a = await server()
    const p = pool({ servers: [a.url] })
    const results = await p.run([invertGraph('not-on-any-server.png', 'uploaded').save], { images: { 'Load Image': TEST_PNG }, timeout: 10_000 })
    expect(results.images).toHaveLength(1)
  })

  it('runs tagged jobs only on servers with the tags', async () => {
    const plain = await server()
    const tagged = await server()
    const p = pool({ servers: [plain.url, { url: tagged.url, tags: ['sdxl'] }] })
    const ids = await Promise.all([1, 2, 3].map(async (i) => (await p.run([invertGraph('example.png', `tag${i}`).save], { tags: ['sdxl'] })).promptId))
    for (const id of ids) expect(tagged.executions.get(id)).toBe(1)
    expect(plain.executions.size).toBe(0)
    await expect(p.submit([invertGraph().save], { tags: ['flux'] })).rejects.toThrow(/lacks the tag\(s\) flux/)
  })
})

describe('load', () => {
  it('spreads jobs over the least loaded servers within each one\'s limit, each run once', async () => {
    const a = await server()
    const b = await server()
    const p = pool({ servers: [a.url, b.url], maxInFlight: 2 })
    let peak = 0
    p.on('dispatch', () => {
      for (const s of p.servers) peak = Math.max(peak, s.inFlight)
    })
    const jobs = await Promise.all(Array.from({ length: 12 }, (_, i) => p.submit([samplerGraph({ steps: 3, seed: i, prefix: `load${i}` }).save])))
    const results = await Promise.all(jobs.map((j) => j.wait({ timeout: 20_000 })))
    expect(new Set(results.map((r) => r.promptId)).size).toBe(12)
    expect(peak).toBeLessThanOrEqual(2)
    const onA = results.filter((r) => a.executions.get(r.promptId) === 1).length
    const onB = results.filter((r) => b.executions.get(r.promptId) === 1).length
    expect(onA + onB).toBe(12)
    expect(Math.min(onA, onB)).toBeGreaterThanOrEqual(4)
    expect(jobs.every((j) => j.servers.length === 1 && j.moves === 0)).toBe(true)
  })

  it('gives a heavier server a larger share', async () => {
    const light = await server({ stepMs: 20 })
    const heavy = await server({ stepMs: 20 })
    const p = pool({ servers: [{ url: light.url, weight: 1, maxInFlight: 1 }, { url: heavy.url, weight: 3, maxInFlight: 3 }] })
    const jobs = await Promise.all(Array.from({ length: 4 }, (_, i) => p.submit([samplerGraph({ steps: 5, seed: 100 + i }).save])))
    expect(jobs.filter((j) => j.server === heavy.url)).toHaveLength(3)
    await Promise.all(jobs.map((j) => j.wait({ timeout: 20_000 })))
  })
})

describe('failover', () => {
  it('moves the job of a server killed mid-job to another one: one result, from the survivor', async () => {
    const a = await server({ stepMs: 40 })
    const b = await server()
    const p = pool({ servers: [a.url, { url: b.url, weight: 0.01 }] })
    const events = record(p)
    const job = await p.submit([samplerGraph({ steps: 40, seed: 5, prefix: 'killed' }).save])
    expect(job.server).toBe(a.url)
    await eventually(() => job.state === 'running')
    await a.close()
    const results = await job.wait({ timeout: 15_000 })
    expect(job.servers).toEqual([a.url, b.url])
    expect(a.executions.get(job.id)).toBe(1)
    expect(b.executions.get(job.id)).toBe(1)
    expect(b.promptRequests.get(job.id)).toBe(1)
    expect(results.promptId).toBe(job.id)
    expect(results.images[0]?.url).toContain(b.url)
    expect(events['server-down'].map(([url]) => url)).toEqual([a.url])
    expect(events.move.map(([e]) => e.from)).toEqual([a.url])
  })

  it('removes the copies left on a server that comes back, so each job yields exactly one result', async () => {
    const a = await server({ stepMs: 30 })
    const b = await server({ stepMs: 5 })
    const p = pool({ servers: [a.url, { url: b.url, weight: 0.01 }], maxInFlight: 2 })
    const events = record(p)
    const first = await p.submit([samplerGraph({ steps: 200, seed: 1, prefix: 'long' }).save])
    const second = await p.submit([samplerGraph({ steps: 3, seed: 2, prefix: 'queued' }).save])
    expect([first.server, second.server]).toEqual([a.url, a.url])
    await eventually(() => first.state === 'running')
    const done: string[] = []
    for (const job of [first, second]) job.on((e) => e.type === 'done' && done.push(job.id))
    // A network cut: the server keeps working with its queue while nobody can reach it.
    const restarted = a.restart({ keepState: true, downtimeMs: 800 })
    const [r1, r2] = await Promise.all([first.wait({ timeout: 20_000 }), second.wait({ timeout: 20_000 })])
    await restarted
    await eventually(() => events.cleanup.length > 0, 5000)
    expect(b.executions.get(first.id)).toBe(1)
    expect(b.executions.get(second.id)).toBe(1)
    expect(a.executions.get(second.id)).toBeUndefined()
    await eventually(() => a.queue.running === undefined && a.queue.pending.length === 0)
    expect(a.queue.history.get(first.id)?.status.messages.some(([type]) => type === 'execution_interrupted')).toBe(true)
    expect(events.cleanup[0]?.[0]).toEqual({ server: a.url, deleted: [second.id], interrupted: [first.id] })
    expect([r1.promptId, r2.promptId]).toEqual([first.id, second.id])
    expect(done.sort()).toEqual([first.id, second.id].sort())
  })

  it('waits for a server that is down at start and uses it once health checks see it', async () => {
    const probe = await startTestServer()
    const port = probe.port
    await probe.close()
    const p = pool({ servers: [`http://127.0.0.1:${port}`] })
    const events = record(p)
    await p.connect()
    expect(p.servers[0]?.state).toBe('down')
    const later = await server({ port })
    await eventually(() => events['server-up'].length === 1, 5000)
    const results = await p.run([invertGraph('example.png', 'back').save], { timeout: 10_000 })
    expect(later.executions.get(results.promptId)).toBe(1)
  })
})

describe('jobs posted by someone else, cancel', () => {
  it('follows a prompt a server already has instead of posting it again', async () => {
    const a = await server({ stepMs: 20 })
    const other = new ComfyClient({ url: a.url })
    const posted = await other.submit([samplerGraph({ steps: 10, seed: 9, prefix: 'adopted' }).save])
    await other.close()
    const p = pool({ servers: [a.url] })
    const events = record(p)
    const job = await p.submit([samplerGraph({ steps: 10, seed: 9, prefix: 'adopted' }).save], { promptId: posted.id, knownServers: [a.url] })
    const results = await job.wait({ timeout: 10_000 })
    expect(results.promptId).toBe(posted.id)
    expect(a.promptRequests.get(posted.id)).toBe(1)
    expect(a.executions.get(posted.id)).toBe(1)
    expect(events.adopt).toHaveLength(1)
  })

  it('posts a job whose known server never had it', async () => {
    const a = await server()
    const p = pool({ servers: [a.url] })
    const results = await p.run([invertGraph('example.png', 'fresh').save], { promptId: 'f0f0f0f0-0000-4000-8000-000000000001', knownServers: [a.url] })
    expect(a.promptRequests.get(results.promptId)).toBe(1)
  })

  it('cancels a job waiting in the pool and a job running on a server', async () => {
    const a = await server({ stepMs: 20 })
    const p = pool({ servers: [a.url], maxInFlight: 1 })
    const running = await p.submit([samplerGraph({ steps: 100, seed: 1 }).save])
    const waiting = await p.submit([samplerGraph({ steps: 100, seed: 2 }).save])
    expect(waiting.server).toBeUndefined()
    await waiting.cancel()
    await expect(waiting.wait()).rejects.toBeInstanceOf(JobInterruptedError)
    await eventually(() => running.state === 'running')
    await running.cancel()
    const error = await running.wait().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(JobInterruptedError)
    expect((error as JobInterruptedError).byClient).toBe(true)
    expect(a.promptRequests.has(waiting.id)).toBe(false)
  })
})
