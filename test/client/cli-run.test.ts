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
