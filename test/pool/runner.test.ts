/**
 * One surface for one server and several: code written against `ComfyRunner` runs on a client or a pool,
 * the edit flow included (its images upload to the server the pool picks).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from 'vitest'
import { ComfyClient, ComfyPool, type ComfyJob, type ComfyRunner, type PoolJob } from '../../src/client/index.js'
import { BUNDLED_OBJECT_INFO, startTestServer, type TestServer } from '../../src/testing/index.js'
import { fixturePath } from '../helpers/fixtures.js'
import { invertGraph } from '../client/helpers.js'

const PUG = fixturePath('images', 'comfy-ts__pug_200x300.jpg')
let a: TestServer
let b: TestServer
let dir: string

beforeAll(async () => {
  a = await startTestServer({ stepMs: 1, objectInfo: withoutClass('VAEEncode') })
  b = await startTestServer({ stepMs: 1 })
  dir = mkdtempSync(join(tmpdir(), 'comfy-pool-runner-'))
})

afterAll(async () => {
  await a.close()
  await b.close()
  rmSync(dir, { recursive: true, force: true })
})

function withoutClass(name: string): Record<string, unknown> {
  const raw = JSON.parse(readFileSync(BUNDLED_OBJECT_INFO, 'utf8')) as Record<string, unknown>
  delete raw[name]
  return raw
}

async function invertOn(runner: ComfyRunner): Promise<string> {
  const job: ComfyJob = await runner.submit([invertGraph('example.png', 'runner').save])
  return (await job.wait({ timeout: 10_000 })).promptId
}

describe('ComfyRunner', () => {
  test('client and pool both implement it', async () => {
    const client = new ComfyClient({ url: b.url })
    const pool = new ComfyPool({ servers: [a.url, b.url] })
    expect(b.executions.get(await invertOn(client))).toBe(1)
    const viaPool = await invertOn(pool)
    expect((a.executions.get(viaPool) ?? 0) + (b.executions.get(viaPool) ?? 0)).toBe(1)
    expectTypeOf(pool.submit).returns.resolves.toEqualTypeOf<PoolJob>()
    // @ts-expect-error a runner has no upload: where an image goes depends on where the job runs
    void (pool as ComfyRunner).upload
    await client.close()
    await pool.close()
  })

  test('the edit flow runs on the pool server that has the template\'s classes, images uploaded there', async () => {
    const pool = new ComfyPool({ servers: [a.url, b.url] })
    const dispatched: string[] = []
    pool.on('dispatch', (e) => dispatched.push(e.server))
    const result = await pool.edit({ image: PUG, positive: 'a painting of a pug', out: join(dir, 'edited.png'), params: { seed: 3 } })
    expect(dispatched).toEqual([b.url])
    expect(b.executions.get(result.promptId)).toBe(1)
    expect(result.width).toBeGreaterThan(0)
    await pool.close()
  })
})
