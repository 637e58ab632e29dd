/**
 * Submit exactly once and keep the caller's deadline, through a hostile proxy that loses answers after the
 * server acted, stalls lookups and freezes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ComfyClient, JobTimeoutError, SubmitUnconfirmedError } from '../../src/client/index.js'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import { eventually, samplerGraph } from './helpers.js'
import { startHostileProxy, type HostileProxy } from './hostile-proxy.js'

let server: TestServer
let proxy: HostileProxy
const clients: ComfyClient[] = []

function client(options: Partial<ConstructorParameters<typeof ComfyClient>[0]> = {}): ComfyClient {
  const c = new ComfyClient({ url: proxy.url, timeout: 400, pollInterval: 50, reconnect: { minDelay: 20, maxDelay: 100 }, ...options })
  clients.push(c)
  return c
}

beforeAll(async () => {
  server = await startTestServer({ stepMs: 2 })
  proxy = await startHostileProxy(server.port)
})

afterEach(async () => {
  proxy.decide = () => undefined
  proxy.refuseSockets = false
  await Promise.all(clients.splice(0).map((c) => c.close()))
  server.queue.clear()
  server.queue.interrupt()
})

afterAll(async () => {
  await proxy.close()
  await server.close()
})

describe('exactly-once submit', () => {
  it('never posts again while the lookups after a lost POST answer fail, and the job runs once', async () => {
    let lostPosts = 0
    let failedLookups = 0
    proxy.decide = (r) => {
      if (r.method === 'POST' && r.path === '/prompt' && lostPosts++ === 0) return { kind: 'lose' }
      // The first lookups fail too (lost or stalled): the client must keep asking, not post again.
      if (r.method === 'GET' && (r.path === '/queue' || r.path.startsWith('/history/')) && failedLookups < 4) {
        return failedLookups++ % 2 === 0 ? { kind: 'lose' } : { kind: 'stall' }
      }
      return undefined
    }
    // No socket: no event can tell the client that the server took the prompt, only /queue and /history can.
    proxy.refuseSockets = true
    const c = client({ connectTimeout: 200 })
    const results = await c.run([samplerGraph({ steps: 1, seed: 101, prefix: 'once' }).save], { timeout: 20_000 })
    expect(failedLookups).toBe(4)
    expect(server.promptRequests.get(results.promptId)).toBe(1)
    expect(server.executions.get(results.promptId)).toBe(1)
  })

  it('raises SubmitUnconfirmedError with the prompt id at the deadline, and deletes the prompt from the queue', async () => {
    const c = client()
    // A long job keeps the server busy, so the lost prompt waits in the queue:
    const blocker = await c.submit([samplerGraph({ steps: 400, seed: 102, prefix: 'blocker' }).save])
    proxy.decide = (r) => {
      if (r.method === 'POST' && r.path === '/prompt') return { kind: 'lose' }
      if (r.method === 'GET' && (r.path === '/queue' || r.path.startsWith('/history/'))) return { kind: 'stall' }
      return undefined
    }
    const started = Date.now()
    const error = (await c.run([samplerGraph({ steps: 1, seed: 103, prefix: 'lost' }).save], { timeout: 1500 }).catch((e: unknown) => e)) as SubmitUnconfirmedError
    const elapsed = Date.now() - started
    expect(error).toBeInstanceOf(SubmitUnconfirmedError)
    expect(error).toBeInstanceOf(JobTimeoutError)
    expect(elapsed).toBeGreaterThanOrEqual(1450)
    expect(elapsed).toBeLessThan(1500 + 250)
    expect(server.promptRequests.get(error.promptId)).toBe(1)
    await eventually(() => !server.queue.pending.some((item) => item.promptId === error.promptId), 3000)
    proxy.decide = () => undefined
    await blocker.cancel()
    await new Promise((r) => setTimeout(r, 100))
    expect(server.executions.get(error.promptId)).toBeUndefined()
  })

  it('lookup() says queued, running, done or unknown', async () => {
    const c = client({ timeout: 5000 })
    const job = await c.submit([samplerGraph({ steps: 200, seed: 104, prefix: 'look' }).save])
    const next = await c.submit([samplerGraph({ steps: 1, seed: 105, prefix: 'look2' }).save])
    await eventually(async () => (await c.lookup(job.id)) === 'running')
    expect(await c.lookup(next.id)).toBe('queued')
    expect(await c.lookup('no-such-prompt')).toBe('unknown')
    await job.cancel()
    await next.wait({ timeout: 10_000 })
    expect(await c.lookup(next.id)).toBe('done')
  })
})

describe('deadlines', () => {
  it('run() rejects within 250 ms of its timeout when the server freezes, and cancels in the background', async () => {
    const c = client({ timeout: 30_000, cancelTimeout: 3000 })
    let frozen = false
    proxy.decide = () => (frozen ? { kind: 'stall' } : undefined)
    const running = c.run([samplerGraph({ steps: 2000, seed: 106, prefix: 'frozen' }).save], { timeout: 1000 })
    const started = Date.now()
    setTimeout(() => (frozen = true), 300)
    const error = await running.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(JobTimeoutError)
    expect(Date.now() - started).toBeLessThan(1000 + 250)
    // close() waits for the bounded background cancel, not for the 30 s request timeout:
    const closing = Date.now()
    await c.close()
    expect(Date.now() - closing).toBeLessThan(3000 + 500)
  })

  it('run() keeps its timeout when POST /prompt itself stalls', async () => {
    const c = client({ timeout: 30_000 })
    await c.connect()
    proxy.decide = (r) => (r.path === '/prompt' || r.path === '/queue' || r.path.startsWith('/history/') ? { kind: 'stall' } : undefined)
    const started = Date.now()
    const error = await c.run([samplerGraph({ steps: 1, seed: 107, prefix: 'stalled' }).save], { timeout: 800 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SubmitUnconfirmedError)
    expect(Date.now() - started).toBeLessThan(800 + 250)
  })
})
