/**
 * The durable queue against a real Redis and test servers: enqueue -> worker -> result, images that travel with
 * the job, bad input refused at enqueue, priorities, cancel (waiting and running), progress, results kept in
 * Redis, a shared folder or on the server, and Redis restarted with persistence on.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  createQueue,
  createWorker,
  QueueInputError,
  QueueJobCancelledError,
  QueueJobFailedError,
  type ComfyQueue,
  type ComfyWorker,
  type ComfyWorkerOptions,
  type QueueProgress,
} from '../../src/queue/index.js'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import { defs, eventually, invertGraph, samplerGraph, TEST_PNG } from '../client/helpers.js'
import { startRedis, type TestRedis } from '../helpers/redis.js'

let redis: TestRedis
let server: TestServer
let dir: string
const open: { close(): Promise<void> }[] = []
let queueCount = 0

beforeAll(async () => {
  redis = await startRedis()
  server = await startTestServer({ stepMs: 5, cache: false })
  dir = mkdtempSync(join(tmpdir(), 'comfy-queue-test-'))
})

afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()))
})

afterAll(async () => {
  await server.close()
  await redis.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** A fresh queue name per test, so tests never see each other's jobs. */
function setup(workerOptions: Partial<ComfyWorkerOptions> | false = {}): { queue: ComfyQueue; worker: ComfyWorker | undefined; name: string } {
  const name = `q${++queueCount}`
  const queue = createQueue({ redis: redis.url, name, defs: serverDefs() })
  open.push(queue)
  if (workerOptions === false) return { queue, worker: undefined, name }
  const worker = createWorker({ redis: redis.url, name, servers: [server.url], poolOptions: { healthInterval: 200 }, ...workerOptions })
  open.unshift(worker)
  return { queue, worker, name }
}

// The test server's definitions (its file lists included), as a deployment would take them from its servers:
let cachedDefs: typeof defs | undefined
function serverDefs(): typeof defs {
  if (cachedDefs === undefined) cachedDefs = server.objectInfo.current(['example.png']).defs
  return cachedDefs
}

describe('enqueue -> worker -> result', () => {
  it('runs a DSL graph and returns its files from Redis, run once', async () => {
    const { queue } = setup()
    const job = await queue.enqueue([invertGraph('example.png', 'queued').save])
    const results = await job.wait({ timeout: 15_000 })
    expect(results.jobId).toBe(job.id)
    expect(results.server).toBe(server.url)
    expect(results.adopted).toBe(false)
    expect(server.executions.get(results.promptId)).toBe(1)
    expect(results.images).toHaveLength(1)
    expect(results.images[0]?.storage).toBe('redis')
    const bytes = await results.images[0]?.buffer()
    expect(bytes?.subarray(1, 4).toString()).toBe('PNG')
    const paths = await results.saveAll(join(dir, 'saved'))
    expect(readFileSync(paths[0] as string).equals(bytes as Buffer)).toBe(true)
    expect(await job.state()).toBe('completed')
  })

  it('takes a template with parameters and an image that travels with the job', async () => {
    const { queue } = setup()
    const job = await queue.enqueue({ template: 'img2img_default', params: { positive: 'a fox', steps: 2, seed: 3 } }, { images: { image: TEST_PNG } })
    const results = await job.wait({ timeout: 15_000 })
    expect(results.images).toHaveLength(1)
    expect(server.executions.get(results.promptId)).toBe(1)
  })

  it('reports progress per node and per step', async () => {
    const { queue } = setup()
    const seen: QueueProgress[] = []
    // Listened to before the job exists: the worker may start it at once.
    const off = await queue.job('progress-job').on((e) => seen.push(e))
    const job = await queue.enqueue([samplerGraph({ steps: 4, seed: 21, prefix: 'progress' }).save], { jobId: 'progress-job' })
    await job.wait({ timeout: 15_000 })
    // Everything the worker reported, the last events with the completion itself, before wait() resolves:
    expect(seen.some((e) => e.type === 'progress' && e.value === 4)).toBe(true)
    off()
    expect(seen[0]).toMatchObject({ type: 'dispatched', server: server.url })
    expect(seen.some((e) => e.type === 'executing' && e.classType === 'KSampler')).toBe(true)
  })

  it('keeps result files in the job hash, not in its return value, and hands them over with the completion', async () => {
    const { queue } = setup()
    const job = await queue.enqueue([invertGraph('example.png', 'hashed').save])
    const results = await job.wait({ timeout: 15_000 })
    const image = results.images[0]
    expect(image?.storage).toBe('redis')
    // BullMQ copies a return value into the event stream and to every producer: it only points at the file.
    const stored = await queue.queue.getJob(job.id)
    expect(JSON.stringify(stored?.returnvalue)).not.toContain((await image?.buffer())?.toString('base64').slice(0, 64))
    expect(JSON.stringify(stored?.returnvalue).length).toBeLessThan((image?.size ?? 0) / 2)
    // Read with the completion, the bytes stay at hand once BullMQ removed the job (and its hash with it):
    await stored?.remove()
    expect(await queue.queue.getJob(job.id)).toBeUndefined()
    expect((await image?.buffer())?.length).toBe(image?.size)
  })

  it('keeps large results in a shared folder, or on the server when there is none', async () => {
    const folder = setup({ results: { inlineLimit: 10, dir: join(dir, 'results') } })
    const inFolder = await (await folder.queue.enqueue([invertGraph('example.png', 'folder').save])).wait({ timeout: 15_000 })
    expect(inFolder.files[0]?.storage).toBe('folder')
    expect(existsSync(inFolder.files[0]?.location as string)).toBe(true)
    expect((await inFolder.files[0]?.buffer())?.length).toBe(inFolder.files[0]?.size)
    const onServer = setup({ results: { inlineLimit: 0 } })
    const remote = await (await onServer.queue.enqueue([invertGraph('example.png', 'remote').save])).wait({ timeout: 15_000 })
    expect(remote.files[0]?.storage).toBe('server')
    expect(remote.files[0]?.location).toContain(`${server.url}/view?`)
    expect((await remote.files[0]?.buffer())?.subarray(1, 4).toString()).toBe('PNG')
  })
})

describe('bad input is refused at enqueue', () => {
  it('refuses a graph the definitions reject, naming the node and input', async () => {
    const { queue } = setup(false)
    const error = await queue.enqueue([samplerGraph({ steps: 2, ckpt: 'nowhere.safetensors' }).save]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QueueInputError)
    expect((error as QueueInputError).issues.find((i) => i.nodeId !== undefined)).toMatchObject({ type: 'value_not_in_list', inputName: 'ckpt_name' })
    expect((error as QueueInputError).path).toEqual(['1', 'inputs', 'ckpt_name'])
    expect((error as Error).message).toContain('nowhere.safetensors')
    expect(await queue.counts()).toMatchObject({ waiting: 0 })
  })

  it('refuses images over the size limit, unknown image targets and bad options', async () => {
    const name = `q${++queueCount}`
    const queue = createQueue({ redis: redis.url, name, defs: serverDefs(), maxImageBytes: 100 })
    open.push(queue)
    await expect(queue.enqueue([invertGraph('x.png').save], { images: { 'Load Image': TEST_PNG } })).rejects.toThrow(/exceed 100 bytes/)
    await expect(queue.enqueue([invertGraph('x.png').save], { images: { Nope: TEST_PNG } })).rejects.toBeInstanceOf(QueueInputError)
    await expect(queue.enqueue([invertGraph().save], { priority: -1 })).rejects.toThrow(/priority/)
    await expect(queue.enqueue([invertGraph().save], { jobId: '42' })).rejects.toThrow(/jobId/)
    await expect(queue.enqueue({ template: 'nope' as never })).rejects.toThrow(/unknown template/)
  })

  it('accepts an image by URL and the worker downloads it', async () => {
    const { queue } = setup()
    const uploaded = `${server.url}/view?filename=example.png&type=input&subfolder=`
    const results = await (await queue.enqueue([invertGraph('x.png', 'byurl').save], { images: { 'Load Image': { url: uploaded } } })).wait({ timeout: 15_000 })
    expect(results.images).toHaveLength(1)
  })
})

describe('priorities and cancel', () => {
  it('runs jobs by priority (1 before those without, before 5000), equal ones in order of arrival', async () => {
    const { queue, name } = setup(false)
    const order: string[] = []
    const low = await queue.enqueue([invertGraph('example.png', 'low').save], { priority: 5000, jobId: 'low' })
    const plain = await queue.enqueue([invertGraph('example.png', 'plain').save], { jobId: 'plain' })
    const high = await queue.enqueue([invertGraph('example.png', 'high').save], { priority: 1, jobId: 'high' })
    const second = await queue.enqueue([invertGraph('example.png', 'plain2').save], { jobId: 'plain2' })
    const worker = createWorker({ redis: redis.url, name, servers: [server.url], concurrency: 1 })
    open.unshift(worker)
    worker.on('completed', (e) => order.push(e.jobId))
    await Promise.all([low, plain, high, second].map((j) => j.wait({ timeout: 15_000 })))
    expect(order).toEqual(['high', 'plain', 'plain2', 'low'])
  })

  it('removes a waiting job: it never runs, its waiter learns it was cancelled', async () => {
    const { queue } = setup(false)
    const job = await queue.enqueue([invertGraph('example.png', 'never').save])
    const waiting = job.wait({ timeout: 10_000 })
    await job.cancel()
    await expect(waiting).rejects.toBeInstanceOf(QueueJobCancelledError)
    expect(await job.state()).toBe('unknown')
  })

  it('interrupts a running job on its server', async () => {
    const { queue } = setup()
    const job = await queue.enqueue([samplerGraph({ steps: 400, seed: 77, prefix: 'cancelled' }).save])
    const started = new Promise<void>((resolve) => void job.on((e) => e.type === 'progress' && resolve()))
    await started
    await job.cancel()
    const error = await job.wait({ timeout: 10_000 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QueueJobCancelledError)
    const promptId = [...server.executions.keys()].at(-1) as string
    await eventually(() => server.queue.history.get(promptId)?.status.messages.some(([t]) => t === 'execution_interrupted') === true)
    expect(await job.state()).toBe('failed')
  })

  it('fails a job whose graph fails on the server without retrying it', async () => {
    const { queue } = setup()
    const job = await queue.enqueue([samplerGraph({ steps: 2, ckpt: 'model.safetensors', prefix: 'broken' }).save], { attempts: 3 })
    const error = await job.wait({ timeout: 15_000 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QueueJobFailedError)
    expect((error as Error).message).toContain('Could not detect model type')
    const state = await queue.queue.getJob(job.id)
    expect(state?.attemptsMade).toBe(1)
  })
})
