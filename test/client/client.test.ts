/** ComfyClient against the test server over real sockets: runs, results, progress, errors, queue control. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ComfyClient,
  JobExecutionError,
  JobInterruptedError,
  JobTimeoutError,
  PromptRejectedError,
  ServerUnreachableError,
  type JobEvent,
} from '../../src/client/index.js'
import { readTextChunks, startTestServer, type TestServer } from '../../src/testing/index.js'
import { defs, eventually, invertGraph, n, samplerGraph, TEST_PNG } from './helpers.js'

let server: TestServer
let client: ComfyClient
let out: string

beforeAll(async () => {
  server = await startTestServer({ stepMs: 5 })
  client = new ComfyClient({ url: server.url, defs })
  out = mkdtempSync(join(tmpdir(), 'comfy-client-test-'))
})

afterAll(async () => {
  await client.close()
  await server.close()
  rmSync(out, { recursive: true, force: true })
})

describe('run', () => {
  it('runs a DSL graph and returns every output as files that save, read and open in sharp', async () => {
    const { save } = invertGraph('example.png', 'run')
    const results = await client.run([save], { timeout: 10_000 })
    expect(results.source).toBe('events')
    expect(results.images).toHaveLength(1)
    const image = results.images[0]
    expect(image?.filename).toBe('run_00001_.png')
    expect(results.node(save)?.images[0]?.filename).toBe('run_00001_.png')
    expect(results.timing.executionMs).toBeGreaterThanOrEqual(0)
    const bytes = await image?.buffer()
    expect(readTextChunks(bytes as Buffer)['prompt']).toContain('ImageInvert')
    const path = await image?.save(out)
    expect(readFileSync(path as string).equals(bytes as Buffer)).toBe(true)
    const metadata = await (await image?.toSharp())?.metadata()
    expect([metadata?.width, metadata?.height]).toEqual([64, 64])
    expect(server.executions.get(results.promptId)).toBe(1)
  })

  it('uploads images while the socket connects and wires them into the graph by node title', async () => {
    const { save } = invertGraph('placeholder.png', 'uploaded')
    const results = await client.run([save], { images: { 'Load Image': TEST_PNG }, timeout: 10_000 })
    const metadata = await (await results.images[0]?.toSharp())?.metadata()
    expect([metadata?.width, metadata?.height]).toEqual([64, 64])
  })

  it('completes a fully cached run, which executes nothing', async () => {
    const first = await client.run([invertGraph('example.png', 'cached').save])
    const second = await client.run([invertGraph('example.png', 'cached').save])
    expect(second.cachedNodes).toEqual(['1', '2', '3'])
    expect(second.images.map((i) => i.filename)).toEqual(first.images.map((i) => i.filename))
    expect(server.executions.get(second.promptId)).toBe(1)
  })

  it('reports progress as typed events and as an async iterator, with type-4 previews', async () => {
    const { sampler, save } = samplerGraph({ steps: 4, seed: 11, prefix: 'progress' })
    const seen: JobEvent[] = []
    const job = await client.submit([save], { onEvent: (e) => seen.push(e) })
    const iterated: string[] = []
    for await (const event of job) iterated.push(event.type)
    await job.wait()
    const steps = seen.filter((e) => e.type === 'progress').map((e) => (e.type === 'progress' ? `${e.value}/${e.max}` : ''))
    expect(steps).toEqual(['1/4', '2/4', '3/4', '4/4'])
    const previews = seen.filter((e) => e.type === 'preview')
    expect(previews).toHaveLength(4)
    expect(previews.every((e) => e.type === 'preview' && e.mime === 'image/jpeg' && e.image[0] === 0xff && e.nodeId !== undefined)).toBe(true)
    const executing = seen.find((e) => e.type === 'executing' && e.node === sampler)
    expect(executing).toBeDefined()
    expect(iterated[0]).toBe('queued')
    expect(iterated.at(-1)).toBe('done')
    expect(iterated).toContain('progress_state')
  })

  it('receives type-1 previews when it does not ask for metadata', async () => {
    const legacy = new ComfyClient({ url: server.url, previewMetadata: false })
    try {
      const seen: JobEvent[] = []
      await legacy.run([samplerGraph({ steps: 2, seed: 12 }).save], { onEvent: (e) => seen.push(e) })
      const previews = seen.filter((e) => e.type === 'preview')
      expect(previews).toHaveLength(2)
      expect(previews.every((e) => e.type === 'preview' && e.metadata === undefined && e.mime === 'image/jpeg')).toBe(true)
    } finally {
      await legacy.close()
    }
  })

  it('sends the socket through a dispatcher the caller gives, as the requests (undici WebSocket)', async () => {
    const agent = new Agent()
    let upgrades = 0
    const counting = agent.compose((dispatch) => (options, handler) => {
      if (options.upgrade === 'websocket') upgrades++
      return dispatch(options, handler)
    })
    const own = new ComfyClient({ url: server.url, dispatcher: counting })
    try {
      const results = await own.run([invertGraph('example.png', 'dispatcher').save], { timeout: 10_000 })
      expect(results.source).toBe('events')
      expect(upgrades).toBe(1)
    } finally {
      await own.close()
      await agent.close()
    }
  })

  it('runs 20 jobs at once on one client and one socket, each exactly once', async () => {
    const jobs = await Promise.all(Array.from({ length: 20 }, (_, i) => client.submit([samplerGraph({ steps: 1, seed: 100 + i, prefix: `many${i}` }).save])))
    const results = await Promise.all(jobs.map((j) => j.wait({ timeout: 20_000 })))
    expect(new Set(results.map((r) => r.images[0]?.filename)).size).toBe(20)
    for (const r of results) expect(server.executions.get(r.promptId)).toBe(1)
    expect(server.sockets).toBe(1)
  })
})

describe('errors', () => {
  it('turns a 400 into PromptRejectedError whose node errors name the DSL nodes', async () => {
    const load = n('LoadImage', { image: 'example.png' })
    const scale = n('ImageScale', { image: load.out(0), upscale_method: 'nope', width: 10, height: 10, crop: 'disabled' })
    const save = n('SaveImage', { images: scale.out(0) })
    const error = await client.run([save]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PromptRejectedError)
    const rejected = error as PromptRejectedError
    expect(rejected.error.type).toBe('prompt_outputs_failed_validation')
    expect(rejected.nodeErrors[0]?.node).toBe(scale)
    expect(rejected.nodeErrors[0]?.errors[0]?.type).toBe('value_not_in_list')
    expect(rejected.message).toContain("upscale_method: 'nope'")
  })

  it('reports a 200 that dropped an invalid output instead of hiding it', async () => {
    const good = invertGraph('example.png', 'partial').save
    const bad = n('SaveImage', { images: n('ImageScale', { image: n('LoadImage', { image: 'example.png' }).out(0), upscale_method: 'nope', width: 8, height: 8, crop: 'disabled' }).out(0) })
    const warnings: string[] = []
    const off = client.on('warning', (w) => warnings.push(w))
    const job = await client.submit([good, bad])
    const results = await job.wait({ timeout: 10_000 })
    off()
    expect(job.nodeErrors).toHaveLength(1)
    expect(results.nodeErrors[0]?.errors[0]?.type).toBe('value_not_in_list')
    expect(results.images).toHaveLength(1)
    expect(warnings.some((w) => w.includes('dropped'))).toBe(true)
  })

  it('turns execution_error into JobExecutionError naming node, class and exception', async () => {
    const { save } = samplerGraph({ steps: 1, ckpt: 'model.safetensors' })
    const error = await client.run([save], { timeout: 10_000 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(JobExecutionError)
    const failed = error as JobExecutionError
    expect(failed.nodeType).toBe('CheckpointLoaderSimple')
    expect(failed.exceptionType).toBe('RuntimeError')
    expect(failed.node?.classType).toBe('CheckpointLoaderSimple')
  })

  it('fails fast with ServerUnreachableError on a refused connection', async () => {
    const closed = await startTestServer()
    const url = closed.url
    await closed.close()
    const offline = new ComfyClient({ url, timeout: 2000 })
    try {
      const started = Date.now()
      await expect(offline.run([invertGraph().save])).rejects.toBeInstanceOf(ServerUnreachableError)
      await expect(offline.connect()).rejects.toBeInstanceOf(ServerUnreachableError)
      expect(Date.now() - started).toBeLessThan(2000)
    } finally {
      await offline.close()
    }
  })

  it('gives up waiting with JobTimeoutError and leaves the job running', async () => {
    const job = await client.submit([samplerGraph({ steps: 20, seed: 13 }).save])
    await expect(job.wait({ timeout: 30 })).rejects.toBeInstanceOf(JobTimeoutError)
    await expect(job.wait({ timeout: 10_000 })).resolves.toMatchObject({ promptId: job.id })
  })
})

describe('queue control', () => {
  it('cancels a queued job by deleting it, and a running one by interrupting that prompt only', async () => {
    const running = await client.submit([samplerGraph({ steps: 200, seed: 21 }).save])
    const queued = await client.submit([samplerGraph({ steps: 200, seed: 22 }).save])
    await eventually(() => running.state === 'running')
    expect(await queued.status()).toBe('queued')
    await queued.cancel()
    const queuedError = (await queued.wait().catch((e: unknown) => e)) as JobInterruptedError
    expect(queuedError).toBeInstanceOf(JobInterruptedError)
    expect([queuedError.byClient, queuedError.phase]).toEqual([true, 'queued'])
    expect(server.executions.get(queued.id)).toBeUndefined()
    expect(await running.status()).toBe('running')
    await running.cancel()
    const runningError = (await running.wait({ timeout: 10_000 }).catch((e: unknown) => e)) as JobInterruptedError
    expect([runningError.byClient, runningError.phase]).toEqual([true, 'running'])
    expect(await running.status()).toBe('interrupted')
  })

  it('cancels on the server when the signal passed to run aborts', async () => {
    const controller = new AbortController()
    let jobId = ''
    const run = client.run([samplerGraph({ steps: 200, seed: 23 }).save], {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'progress') controller.abort()
      },
    })
    const error = await run.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(JobInterruptedError)
    jobId = (error as JobInterruptedError).promptId
    await eventually(async () => (await client.history(jobId)) !== undefined)
    expect(await client.job(jobId).status()).toBe('interrupted')
  })

  it('attaches to a job by id and reads its results from /history', async () => {
    const done = await client.run([invertGraph('example.png', 'attach').save])
    const other = new ComfyClient({ url: server.url })
    try {
      const results = await other.job(done.promptId).wait({ timeout: 5000 })
      expect(results.source).toBe('history')
      expect(results.images.map((i) => i.filename)).toEqual(done.images.map((i) => i.filename))
    } finally {
      await other.close()
    }
  })

  it('uploads idempotently by content hash, and uploads masks onto an original', async () => {
    const a = await client.upload(TEST_PNG)
    const b = await client.upload(TEST_PNG)
    expect(a).toEqual(b)
    expect(a.name).toMatch(/^[0-9a-f]{20}\.png$/)
    const mask = await client.uploadMask(TEST_PNG, { originalRef: { filename: a.name }, name: 'mask.png' })
    expect(mask).toMatchObject({ name: 'mask.png', type: 'input' })
    expect(existsSync(join(server.files.input, 'mask.png'))).toBe(true)
  })

  it('reads queue, history, object_info, system stats and models', async () => {
    expect(await client.queue()).toEqual({ queue_running: [], queue_pending: [] })
    expect(Object.keys(await client.histories({ maxItems: 2 }))).toHaveLength(2)
    expect(await client.models('checkpoints')).toContain('v1-5-pruned-emaonly-fp16.safetensors')
    expect((await client.systemStats())['system']).toMatchObject({ comfyui_version: '0.26.0' })
    const info = await client.objectInfo('KSampler')
    expect(Object.keys(info)).toEqual(['KSampler'])
    expect(await client.checkDefs(defs, ['KSampler', 'LoadImage'])).toEqual([])
  })
})
