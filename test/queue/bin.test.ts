/**
 * `comfy-dsl worker` and `comfy-dsl enqueue` as processes, as users run them: stdin for `-`, one `--json`
 * document of the shape every command prints, exit codes 0/1/2/3/130, and the signals: SIGTERM lets a worker
 * finish (exit 0), SIGINT hands its running jobs back at once (exit 130) to a worker that follows them on their
 * server, and Ctrl-C on `enqueue --wait` cancels the job.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { toPromptJson } from '../../src/dsl/index.js'
import { createQueue, createWorker, QueueJobCancelledError, type ComfyQueue, type QueueProgress } from '../../src/queue/index.js'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import { invertGraph, samplerGraph } from '../client/helpers.js'
import { startRedis, type TestRedis } from '../helpers/redis.js'
import { spawnCli, stopWorker, type CliProcess } from './helpers.js'

let redis: TestRedis
let server: TestServer
let dir: string
const processes: CliProcess[] = []
const open: { close(): Promise<void> }[] = []
let count = 0

beforeAll(async () => {
  redis = await startRedis()
  server = await startTestServer({ stepMs: 20, cache: false })
  dir = mkdtempSync(join(tmpdir(), 'comfy-queue-bin-'))
})

afterEach(async () => {
  await Promise.all(processes.splice(0).map(stopWorker))
  await Promise.all(open.splice(0).map((o) => o.close()))
})

afterAll(async () => {
  await server.close()
  await redis.stop()
  rmSync(dir, { recursive: true, force: true })
})

function cli(args: readonly string[], input?: string): CliProcess {
  const spawned = spawnCli(args, { cwd: dir, ...(input === undefined ? {} : { input }) })
  processes.push(spawned)
  return spawned
}

function queue(name: string): ComfyQueue {
  const q = createQueue({ redis: redis.url, name, defs: server.objectInfo.current(['example.png']).defs })
  open.push(q)
  return q
}

const invert = (prefix: string): string => toPromptJson([invertGraph('example.png', prefix).save])
const sampler = (steps: number, seed: number, prefix: string): string => toPromptJson([samplerGraph({ steps, seed, prefix }).save])

// Each process compiles the CLI with tsx on start: slow on a loaded machine.
describe('comfy-dsl enqueue and worker, run as processes', { timeout: 180_000 }, () => {
  it('enqueue - reads stdin and prints one JSON document; a worker runs the jobs; SIGTERM ends it with exit 0 and its summary', async () => {
    const name = `bin${++count}`
    const worker = cli(['worker', '--redis', redis.url, '--queue', name, '--server', server.url, '--json'])
    await worker.printed(/ready:/, 60_000)
    const queued = cli(['enqueue', '-', '--redis', redis.url, '--queue', name, '--json', '--job-id', 'from-stdin'], invert('stdin'))
    expect(await queued.exited).toBe(0)
    expect(JSON.parse(queued.stdout())).toEqual({ ok: true, exitCode: 0, jobId: 'from-stdin', queue: name, status: 'queued', files: [], warnings: [] })
    await queue(name).job('from-stdin').wait({ timeout: 60_000 })

    const out = join(dir, 'out')
    const waited = cli(['enqueue', '-', '--redis', redis.url, '--queue', name, '--wait', '--out', out, '--json'], sampler(3, 1, 'waited'))
    expect(await waited.exited).toBe(0)
    const report = JSON.parse(waited.stdout()) as { files: { path: string; storage: string }[] }
    expect(report).toMatchObject({ ok: true, exitCode: 0, queue: name, status: 'completed', server: server.url, adopted: false, warnings: [] })
    expect(report.files).toHaveLength(1)
    expect(report.files[0]?.storage).toBe('redis')
    expect(existsSync(report.files[0]?.path as string)).toBe(true)

    worker.child.kill('SIGTERM')
    expect(await worker.exited).toBe(0)
    expect(JSON.parse(worker.stdout())).toMatchObject({ ok: true, exitCode: 0, queue: name, jobs: { completed: 2, failed: 0, retried: 0, handedBack: 0 }, warnings: [] })
  })

  it('SIGINT hands a running job back at once (exit 130); the next worker follows it on its server, which runs it once', async () => {
    const name = `bin${++count}`
    const q = queue(name)
    const first = cli(['worker', '--redis', redis.url, '--queue', name, '--server', server.url, '--json', '--shutdown-timeout', '120'])
    await first.printed(/ready:/, 60_000)
    const seen: QueueProgress[] = []
    let step: () => void = () => {}
    const stepped = new Promise<void>((resolve) => (step = resolve))
    // Listened to before the job exists: the worker may start it at once.
    await q.job('interrupted').on((e) => {
      seen.push(e)
      if (e.type === 'progress') step()
    })
    // 300 steps of 20 ms: still running long after the worker was told to stop.
    const job = await q.enqueue([samplerGraph({ steps: 300, seed: 2, prefix: 'handed' }).save], { jobId: 'interrupted' })
    await stepped
    const signalled = Date.now()
    first.child.kill('SIGINT')
    expect(await first.exited).toBe(130)
    // At once, not after --shutdown-timeout:
    expect(Date.now() - signalled).toBeLessThan(30_000)
    expect(JSON.parse(first.stdout())).toMatchObject({ ok: false, exitCode: 130, jobs: { completed: 0, handedBack: 1 } })
    expect(await job.state()).toMatch(/^(waiting|prioritized)$/)

    const second = cli(['worker', '--redis', redis.url, '--queue', name, '--server', server.url])
    const results = await job.wait({ timeout: 120_000 })
    expect(results.adopted).toBe(true)
    expect(server.promptRequests.get(results.promptId)).toBe(1)
    expect(server.executions.get(results.promptId)).toBe(1)
    await second.printed(/collected a run made before/)
    const dispatched = seen.find((e) => e.type === 'dispatched')
    expect(dispatched).toMatchObject({ promptId: results.promptId })
  })

  it('Ctrl-C on enqueue --wait cancels the job (interrupted on its server) and exits 130', async () => {
    const name = `bin${++count}`
    const q = queue(name)
    const worker = createWorker({ redis: redis.url, name, servers: [server.url] })
    open.unshift(worker)
    const waiting = cli(['enqueue', '-', '--redis', redis.url, '--queue', name, '--wait', '--job-id', 'ctrl-c'], sampler(300, 3, 'ctrlc'))
    await waiting.printed(/step \d+\/300/, 60_000)
    waiting.child.kill('SIGINT')
    expect(await waiting.exited).toBe(130)
    expect(waiting.output()).toContain('cancelled by the waiting producer')
    await expect(q.job('ctrl-c').wait({ timeout: 30_000 })).rejects.toBeInstanceOf(QueueJobCancelledError)
  })

  it('exits 2 on unusable flags (the error in the JSON document) and 3 when Redis is unreachable', async () => {
    const noServer = cli(['worker', '--redis', redis.url, '--json'])
    const badInput = cli(['enqueue', 'missing.json', '--redis', redis.url, '--json'])
    const workerUnreachable = cli(['worker', '--redis', 'redis://127.0.0.1:1', '--server', server.url])
    const enqueueUnreachable = cli(['enqueue', '-', '--redis', 'redis://127.0.0.1:1'], invert('unreachable'))
    expect(await noServer.exited).toBe(2)
    expect(JSON.parse(noServer.stdout())).toMatchObject({ ok: false, exitCode: 2, error: { type: 'InvalidArgumentError', message: '--server: give at least one ComfyUI server' } })
    expect(await badInput.exited).toBe(2)
    expect(JSON.parse(badInput.stdout())).toMatchObject({ ok: false, exitCode: 2, error: { file: 'missing.json', message: 'cannot read missing.json: no such file' } })
    expect(await workerUnreachable.exited).toBe(3)
    expect(workerUnreachable.output()).toContain('cannot reach Redis at redis://127.0.0.1:1')
    expect(await enqueueUnreachable.exited).toBe(3)
    expect(enqueueUnreachable.output()).toContain('cannot reach Redis at redis://127.0.0.1:1')
  })
})
