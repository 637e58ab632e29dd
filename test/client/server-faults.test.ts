/** The test server's hostile faults: slow answers, echoed requests, oversized frames; it counts POSTs and runs per id. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ComfyClient, ServerHttpError } from '../../src/client/index.js'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import { samplerGraph } from './helpers.js'

let server: TestServer

beforeAll(async () => {
  server = await startTestServer({ stepMs: 1 })
})

afterAll(async () => {
  await server.close()
})

describe('test server faults', () => {
  it('slow: the server takes the prompt but answers after the client gave up; the job runs once', async () => {
    const client = new ComfyClient({ url: server.url, timeout: 300, pollInterval: 50 })
    try {
      server.inject({ kind: 'slow', ms: 1000, method: 'POST', path: '/prompt' })
      const results = await client.run([samplerGraph({ steps: 1, seed: 301, prefix: 'slow' }).save], { timeout: 10_000 })
      expect(server.promptRequests.get(results.promptId)).toBe(1)
      expect(server.executions.get(results.promptId)).toBe(1)
    } finally {
      await client.close()
    }
  })

  it('echo-request: the echoed token and headers never reach the error', async () => {
    const client = new ComfyClient({ url: `${server.url}/?token=echo-t0ken-123`, headers: { authorization: 'Bearer echo-b3arer-456' } })
    try {
      server.inject({ kind: 'echo-request', method: 'GET', path: '/queue' })
      const error = (await client.queue().catch((e: unknown) => e)) as ServerHttpError
      expect(error).toBeInstanceOf(ServerHttpError)
      expect(error.status).toBe(502)
      expect(error.body).toContain('authorization: ***')
      expect(`${error.message} ${error.body}`).not.toMatch(/echo-t0ken-123|echo-b3arer-456/)
    } finally {
      await client.close()
    }
  })

  it('oversized-frame: the socket drops with a warning, the job completes by polling', async () => {
    const client = new ComfyClient({ url: server.url, maxMessageSize: 64 * 1024, pollInterval: 50, reconnect: { minDelay: 20, maxDelay: 50 } })
    const warnings: string[] = []
    client.on('warning', (m) => warnings.push(m))
    try {
      await client.connect()
      server.inject({ kind: 'oversized-frame', bytes: 256 * 1024, on: { type: 'execution_start' } })
      const results = await client.run([samplerGraph({ steps: 3, seed: 302, prefix: 'oversized' }).save], { timeout: 10_000 })
      expect(results.images).toHaveLength(1)
      expect(warnings.join('\n')).toContain(`${server.url} sent a WebSocket message larger than 65536 bytes`)
      expect(server.executions.get(results.promptId)).toBe(1)
    } finally {
      await client.close()
    }
  })
})
