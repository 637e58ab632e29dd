/** `comfy-dsl enqueue` in process, against a real Redis, a worker and the test server: exit codes, progress, --out. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { enqueueCommand } from '../../src/cli/commands/enqueue.js'
import { toPromptJson } from '../../src/dsl/index.js'
import { createWorker, type ComfyWorker } from '../../src/queue/index.js'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import { runCommand } from '../helpers/cli.js'
import { fixturePath } from '../helpers/fixtures.js'
import { startRedis, type TestRedis } from '../helpers/redis.js'
import { invertGraph, samplerGraph } from '../client/helpers.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
let redis: TestRedis
let server: TestServer
let worker: ComfyWorker
let dir: string

beforeAll(async () => {
  redis = await startRedis()
  server = await startTestServer({ stepMs: 2 })
  worker = createWorker({ redis: redis.url, name: 'cli', servers: [server.url] })
  dir = mkdtempSync(join(tmpdir(), 'comfy-cli-enqueue-'))
  writeFileSync(join(dir, 'invert.json'), toPromptJson([invertGraph('example.png', 'cli').save]))
  writeFileSync(join(dir, 'sampler.json'), toPromptJson([samplerGraph({ steps: 8, prefix: 'clisampler' }).save]))
  writeFileSync(join(dir, 'broken.json'), toPromptJson([samplerGraph({ steps: 2, ckpt: 'model.safetensors', prefix: 'broken' }).save]))
  writeFileSync(join(dir, 'invalid.json'), JSON.stringify({ '1': { class_type: 'NoSuchNode', inputs: {} } }))
})

afterAll(async () => {
  await worker.close()
  await server.close()
  await redis.stop()
  rmSync(dir, { recursive: true, force: true })
})

const enqueue = (args: string[]): ReturnType<typeof runCommand> =>
  runCommand(['enqueue', ...args, '--redis', redis.url, '--queue', 'cli'], { only: [enqueueCommand], cwd: dir })

describe('comfy-dsl enqueue', () => {
  it('prints the job id without --wait', async () => {
    const result = await enqueue(['invert.json', '--json', '--job-id', 'cli-first'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, exitCode: 0, jobId: 'cli-first', queue: 'cli', status: 'queued', files: [], warnings: [] })
  })

  it('waits with progress, saves the outputs and exits 0', async () => {
    const out = join(dir, 'out')
    const result = await enqueue(['sampler.json', '--wait', '--out', out, '--server', server.url])
    expect(result.stderr).toContain(`running on ${server.url}`)
    expect(result.stderr).toContain('executing')
    expect(result.stderr).toContain('step 8/8')
    expect(result.code).toBe(0)
    expect(readdirSync(out)).toEqual(['clisampler_00001_.png'])
    expect(result.stdout).toContain('done: ')
    // Cached now, the same file again: refused without --overwrite (exit 2), replaced with it.
    const again = await enqueue(['sampler.json', '--wait', '--out', out])
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('pass overwrite')
    expect((await enqueue(['sampler.json', '--wait', '--out', out, '--overwrite'])).code).toBe(0)
  })

  it('takes a template workflow with --input by parameter name', async () => {
    const result = await enqueue([join(ROOT, 'workflows', 'img2img_default.json'), '--input', `image=${fixturePath('server-captures', 'test_input.png')}`, '--wait', '--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout).files).toHaveLength(1)
  })

  it('exits 1 when the job fails on the server, 2 for input the definitions reject, 3 when Redis is unreachable', async () => {
    const failed = await enqueue(['broken.json', '--wait'])
    expect(failed.code).toBe(1)
    expect(failed.stderr).toContain('Could not detect model type')
    const invalid = await enqueue(['invalid.json'])
    expect(invalid.code).toBe(2)
    expect(invalid.stderr).toContain('NoSuchNode')
    const unusable = await enqueue(['invert.json', '--out', 'x'])
    expect(unusable.code).toBe(2)
    expect(unusable.stderr).toContain('--out needs --wait')
    const unreachable = await runCommand(['enqueue', 'invert.json', '--redis', 'redis://127.0.0.1:1'], { only: [enqueueCommand], cwd: dir })
    expect(unreachable.code).toBe(3)
    expect(unreachable.stderr).toContain('cannot reach Redis at redis://127.0.0.1:1')
  })

  it('exits 1 on --timeout and cancels the job', async () => {
    writeFileSync(join(dir, 'long.json'), toPromptJson([samplerGraph({ steps: 3000, seed: 9, prefix: 'long' }).save]))
    const result = await enqueue(['long.json', '--wait', '--timeout', '1', '--job-id', 'cli-long'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('not finished after 1000 ms')
  })
})
