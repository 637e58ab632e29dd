/**
 * Every fault the test server can inject: no result is lost, no job runs twice, and every failure is a typed
 * error within its timeout.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  ComfyClient,
  JobLostError,
  RequestTimeoutError,
  ServerHttpError,
  ServerProtocolError,
  UnsafeFileNameError,
} from '../../src/client/index.js'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import { defs, invertGraph, samplerGraph } from './helpers.js'

let server: TestServer
let client: ComfyClient
const debug: string[] = []
const unhandled: unknown[] = []
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason)
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled)
  server = await startTestServer({ stepMs: 5 })
  client = new ComfyClient({
    url: server.url,
    timeout: 500,
    pollInterval: 50,
    stallTimeout: 400,
    reconnect: { minDelay: 20, maxDelay: 100 },
    defs,
  })
  client.on('debug', (m) => debug.push(m))
  await client.connect()
})

afterEach(() => {
  server.clearFaults()
})

afterAll(async () => {
  await client.close()
  await server.close()
  process.off('unhandledRejection', onUnhandled)
  expect(unhandled).toEqual([])
})

describe('WebSocket faults', () => {
  it('completes from /history when the socket drops mid-run, and reconnects', async () => {
    server.inject({ kind: 'drop-socket', on: { type: 'progress' } })
    const results = await client.run([samplerGraph({ steps: 6, seed: 1, prefix: 'drop' }).save], { timeout: 10_000 })
    expect(results.source).toBe('history')
    expect(results.images[0]?.filename).toBe('drop_00001_.png')
    expect(server.executions.get(results.promptId)).toBe(1)
    await expect.poll(() => client.connected).toBe(true)
  })

  it('completes when the final executing message is the one lost with the socket', async () => {
    server.inject({ kind: 'drop-socket', on: { type: 'executing', node: null } })
    const results = await client.run([samplerGraph({ steps: 1, seed: 2 }).save], { timeout: 10_000 })
    expect(results.images).toHaveLength(1)
    expect(server.executions.get(results.promptId)).toBe(1)
  })

  it('confirms from /history when execution_success never arrives', async () => {
    server.inject({ kind: 'drop-message', on: { type: 'execution_success' } })
    const results = await client.run([samplerGraph({ steps: 1, seed: 3 }).save], { timeout: 10_000 })
    expect(results.source).toBe('history')
  })

  it('confirms from /history when an executed event is missing (known output nodes)', async () => {
    server.inject({ kind: 'drop-message', on: { type: 'executed' } })
    const results = await client.run([samplerGraph({ steps: 1, seed: 4 }).save], { timeout: 10_000 })
    expect(results.source).toBe('history')
    expect(results.images).toHaveLength(1)
  })

  it('ignores invalid JSON, unknown message types and unknown binary frames, with debug events', async () => {
    debug.length = 0
    server.inject({ kind: 'garbage', on: { type: 'executing' } })
    const results = await client.run([samplerGraph({ steps: 1, seed: 5 }).save], { timeout: 10_000 })
    expect(results.source).toBe('events')
    expect(debug.some((m) => m.includes('not JSON'))).toBe(true)
    expect(debug.some((m) => m.includes('crystools.monitor'))).toBe(true)
    expect(debug.some((m) => m.includes('unknown type 99'))).toBe(true)
  })

  it('polls when the socket goes silent (a stalled server)', async () => {
    server.inject({ kind: 'drop-message', on: { type: 'executing', node: null } })
    server.inject({ kind: 'drop-message', on: { type: 'execution_success' } })
    const results = await client.run([samplerGraph({ steps: 1, seed: 6 }).save], { timeout: 10_000 })
    expect(results.source).toBe('history')
  })
})

describe('server restarts', () => {
  it('finishes a job across a restart that keeps the queue (a proxy restart)', async () => {
    const job = await client.submit([samplerGraph({ steps: 30, seed: 7 }).save])
    await expect.poll(() => job.state).toBe('running')
    await server.restart({ keepState: true, downtimeMs: 50 })
    const results = await job.wait({ timeout: 10_000 })
    expect(server.executions.get(results.promptId)).toBe(1)
  })

  it('fails with JobLostError when a real restart forgets the job', async () => {
    const job = await client.submit([samplerGraph({ steps: 200, seed: 8 }).save])
    await expect.poll(() => job.state).toBe('running')
    await server.restart({ downtimeMs: 20 })
    const error = await job.wait({ timeout: 10_000 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(JobLostError)
    expect(server.executions.get(job.id)).toBe(1)
  })
})

describe('HTTP faults', () => {
  it('never posts a prompt twice when the answer to POST /prompt is lost', async () => {
    server.inject({ kind: 'drop-response', method: 'POST', path: '/prompt' })
    const job = await client.submit([samplerGraph({ steps: 1, seed: 9 }).save])
    await job.wait({ timeout: 10_000 })
    expect(server.promptRequests.get(job.id)).toBe(1)
    expect(server.executions.get(job.id)).toBe(1)
  })

  it('retries a POST /prompt that stalled (the server never took it) with the same id', async () => {
    server.inject({ kind: 'stall', method: 'POST', path: '/prompt' })
    const job = await client.submit([samplerGraph({ steps: 1, seed: 10 }).save])
    await job.wait({ timeout: 10_000 })
    expect(server.executions.get(job.id)).toBe(1)
  })

  it('turns a 500 text/plain into ServerHttpError', async () => {
    server.inject({ kind: 'http-500', method: 'POST', path: '/prompt' })
    const error = (await client.run([invertGraph('example.png', 'fail500').save]).catch((e: unknown) => e)) as ServerHttpError
    expect(error).toBeInstanceOf(ServerHttpError)
    expect([error.status, error.body]).toEqual([500, '500 Internal Server Error\n\nServer got itself in trouble'])
  })

  it('turns malformed JSON into ServerProtocolError, and a stalled request into RequestTimeoutError', async () => {
    server.inject({ kind: 'malformed-json', method: 'GET', path: '/queue' })
    await expect(client.queue()).rejects.toBeInstanceOf(ServerProtocolError)
    server.inject({ kind: 'stall', method: 'GET', path: '/queue' })
    const started = Date.now()
    await expect(client.queue()).rejects.toBeInstanceOf(RequestTimeoutError)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('survives malformed /history answers while it confirms a result', async () => {
    server.inject({ kind: 'drop-socket', on: { type: 'progress' } })
    server.inject({ kind: 'malformed-json', method: 'GET', path: /^\/history\//, times: 2 })
    const results = await client.run([samplerGraph({ steps: 4, seed: 11 }).save], { timeout: 10_000 })
    expect(results.images).toHaveLength(1)
    expect(server.executions.get(results.promptId)).toBe(1)
  })
})

describe('hostile file names', () => {
  it('refuses to save a server file name that leaves the folder', async () => {
    server.inject({ kind: 'hostile-file-name', fileName: '../../escape.png' })
    const results = await client.run([invertGraph('example.png', 'hostile').save])
    const dir = mkdtempSync(join(tmpdir(), 'comfy-hostile-'))
    try {
      await expect(results.images[0]?.save(dir)).rejects.toBeInstanceOf(UnsafeFileNameError)
      await expect(results.saveAll(join(dir, 'sub'))).rejects.toBeInstanceOf(UnsafeFileNameError)
      expect(readdirSync(dir)).toEqual([])
      expect(existsSync(join(dir, '..', '..', 'escape.png'))).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
