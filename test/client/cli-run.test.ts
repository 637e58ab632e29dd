/** `comfy-dsl run` and `comfy-dsl test-server`, in process, against the test server. */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCommand as runCliCommand } from '../../src/cli/commands/run.js'
import { testServerCommand } from '../../src/cli/commands/test-server.js'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import { runCommand } from '../helpers/cli.js'
import { fixturePath } from '../helpers/fixtures.js'
import { eventually } from './helpers.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
let server: TestServer
let dir: string

beforeAll(async () => {
  server = await startTestServer({ stepMs: 1 })
  dir = mkdtempSync(join(tmpdir(), 'comfy-cli-run-'))
})

afterAll(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

const run = (args: string[]): ReturnType<typeof runCommand> => runCommand(['run', ...args, '--server', server.url], { only: [runCliCommand], cwd: dir })

describe('comfy-dsl run', () => {
  it('runs an API workflow with an uploaded input (template parameter) and saves the outputs', async () => {
    const out = join(dir, 'img2img')
    const result = await run([join(ROOT, 'workflows', 'img2img_default.json'), '--input', `image=${fixturePath('server-captures', 'test_input.png')}`, '--out', out])
    expect(result.stderr).toContain('executing')
    expect(result.stderr).toContain('step 20/20')
    expect(result.code).toBe(0)
    expect(readdirSync(out)).toEqual(['img2img_00001_.png'])
    expect(result.stdout).toContain('done: ')
  })

  it('converts and runs a UI-format workflow', async () => {
    const result = await run([fixturePath('workflows', 'ui', 'comfyscript__default.ui.json')])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/9: ComfyUI_\d{5}_\.png http:\/\/127\.0\.0\.1/)
  })

  it('runs a TypeScript module whose default export returns the output nodes', async () => {
    const module = join(dir, 'graph.ts')
    writeFileSync(
      module,
      [
        `import { node } from ${JSON.stringify(join(ROOT, 'src', 'dsl', 'index.js'))}`,
        `export default () => {`,
        `  const load = node('LoadImage', { image: 'example.png' })`,
        `  const invert = node('ImageInvert', { image: load.out(0) })`,
        `  return [node('SaveImage', { images: invert.out(0), filename_prefix: 'from_ts' })]`,
        `}`,
      ].join('\n'),
    )
    const result = await run([module, '--out', join(dir, 'ts')])
    expect(result.code).toBe(0)
    expect(existsSync(join(dir, 'ts', 'from_ts_00001_.png'))).toBe(true)
  })

  it('exits 1 with the node errors when the server rejects the prompt', async () => {
    writeFileSync(join(dir, 'reject.json'), JSON.stringify({ '1': { class_type: 'ImageScale', inputs: { image: ['9', 0] } }, '2': { class_type: 'SaveImage', inputs: { images: ['1', 0] } } }))
    const result = await run([join(dir, 'reject.json')])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('prompt rejected')
  })

  it('exits 2 on unusable input', async () => {
    expect((await run([join(dir, 'missing.json')])).code).toBe(2)
    expect((await run([join(ROOT, 'workflows', 'img2img_default.json'), '--input', 'nonsense'])).code).toBe(2)
    expect((await run([join(ROOT, 'workflows', 'img2img_default.json'), '--timeout', 'soon'])).code).toBe(2)
  })

  it('exits 130 on Ctrl-C and cancels the job on the server', async () => {
    server.timing.stepMs = 20
    try {
      const pending = run([join(ROOT, 'workflows', 'controlnet_canny.json')])
      await eventually(() => server.queue.running !== undefined)
      const promptId = server.queue.running?.promptId as string
      process.emit('SIGINT')
      const result = await pending
      expect(result.code).toBe(130)
      await eventually(() => server.queue.history.has(promptId))
      expect(server.queue.history.get(promptId)?.status.messages.map((m) => m[0])).toContain('execution_interrupted')
    } finally {
      server.timing.stepMs = 1
    }
  })
})

describe('comfy-dsl run: the CLI conventions', () => {
  const workflow = (): string => join(ROOT, 'workflows', 'img2img_default.json')

  it('--json prints one document; an existing output is replaced only with --overwrite; a cached run says cached', async () => {
    const out = join(dir, 'json-run')
    const graph = join(dir, 'cacheable.json')
    writeFileSync(
      graph,
      JSON.stringify({
        '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly-fp16.safetensors' } },
        '2': { class_type: 'CLIPTextEncode', inputs: { text: 'conventions', clip: ['1', 1] } },
        '3': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } },
        '4': {
          class_type: 'KSampler',
          inputs: { model: ['1', 0], seed: 4242, steps: 3, cfg: 7, sampler_name: 'euler', scheduler: 'normal', positive: ['2', 0], negative: ['2', 0], latent_image: ['3', 0], denoise: 1 },
        },
        '5': { class_type: 'VAEDecode', inputs: { samples: ['4', 0], vae: ['1', 2] } },
        '6': { class_type: 'SaveImage', inputs: { images: ['5', 0], filename_prefix: 'conventions' } },
      }),
    )
    const first = await run([graph, '--out', out, '--json'])
    expect(first.code).toBe(0)
    const body = JSON.parse(first.stdout) as { ok: boolean; status: string; files: { path: string }[]; promptId: string }
    expect(body).toMatchObject({ ok: true, exitCode: 0, status: 'completed', warnings: [] })
    expect(body.files.map((f) => f.path)).toEqual([join(out, 'conventions_00001_.png')])
    expect(first.stderr).toBe('')
    // The same graph again: the server serves it from its cache, with the same output name, which is taken.
    const again = await run([graph, '--out', out])
    expect(again.code).toBe(2)
    expect(again.stderr).toContain(`${join(out, 'conventions_00001_.png')} exists; pass --overwrite to replace them`)
    const cached = await run([graph, '--out', out, '--overwrite'])
    expect(cached.code).toBe(0)
    expect(cached.stderr).toContain('completed (cached: the server ran nothing)')
    expect(cached.stdout).toContain('cached: the server ran nothing')
  })

  it('suggests http:// for a --server without a scheme, and exits 3 when nothing answers', async () => {
    const noScheme = await runCommand(['run', workflow(), '--server', 'localhost:8188'], { only: [runCliCommand], cwd: dir })
    expect(noScheme).toMatchObject({ code: 2, stderr: 'error: --server "localhost:8188" has no scheme; did you mean --server http://localhost:8188?\n' })
    const refused = await runCommand(['run', workflow(), '--server', 'http://127.0.0.1:9'], { only: [runCliCommand], cwd: dir })
    expect(refused.code).toBe(3)
    expect(refused.stderr).toContain('cannot reach the ComfyUI server at http://127.0.0.1:9')
  })
})

describe('comfy-dsl test-server', () => {
  it('serves until Ctrl-C', async () => {
    let stdout = ''
    const pending = runCommand(['test-server', '--port', '0'], { only: [testServerCommand] })
    void pending.then((r) => (stdout = r.stdout))
    // The in-process helper returns the output only at the end: find the new listening server among the handles.
    let url = ''
    await eventually(() => {
      const handles = (process as unknown as { _getActiveHandles(): { address?: () => { port: number } | string | null }[] })._getActiveHandles()
      for (const handle of handles) {
        const address = typeof handle.address === 'function' ? handle.address() : null
        if (typeof address === 'object' && address !== null && address.port !== server.port && handle.constructor.name === 'Server') {
          url = `http://127.0.0.1:${address.port}`
          return true
        }
      }
      return false
    }, 10_000)
    const response = await request(`${url}/queue`)
    expect(await response.body.json()).toEqual({ queue_running: [], queue_pending: [] })
    process.emit('SIGINT')
    const result = await pending
    expect(result.code).toBe(0)
    expect(stdout).toContain('ComfyUI test server listening on http://127.0.0.1:')
  })
})
