/** `comfy-dsl run` sends the UI workflow in `extra_data.extra_pnginfo.workflow`, as the editor does. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { runCommand as runCliCommand } from '../../src/cli/commands/run.js'
import { ComfyClient } from '../../src/client/index.js'
import { uiToApi } from '../../src/convert/ui-to-api.js'
import type { ApiPrompt } from '../../src/dsl/prompt.js'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import { runCommand } from '../helpers/cli.js'
import { fixturePath, loadDefs } from '../helpers/fixtures.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
let server: TestServer
let client: ComfyClient
let dir: string

beforeAll(async () => {
  server = await startTestServer({ stepMs: 1 })
  client = new ComfyClient({ url: server.url })
  dir = mkdtempSync(join(tmpdir(), 'comfy-embed-'))
})

afterAll(async () => {
  await client.close()
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

async function runJson(args: string[]): Promise<{ prompt: ApiPrompt; extra: Record<string, unknown> }> {
  const result = await runCommand(['run', ...args, '--json', '--server', server.url], { only: [runCliCommand], cwd: dir })
  expect(result.code, result.stderr).toBe(0)
  const { promptId } = JSON.parse(result.stdout) as { promptId: string }
  const entry = await client.history(promptId)
  return { prompt: entry?.prompt[2] as ApiPrompt, extra: entry?.prompt[3] as Record<string, unknown> }
}

const inputsOf = (prompt: ApiPrompt) => Object.fromEntries(Object.entries(prompt).map(([id, node]) => [id, [node.class_type, node.inputs]]))

test('an API workflow: the embedded UI workflow queues the prompt that ran', async () => {
  const { prompt, extra } = await runJson([join(ROOT, 'workflows', 'img2img_default.json')])
  const workflow = (extra['extra_pnginfo'] as { workflow: { nodes: unknown[]; version: number } }).workflow
  expect(workflow.version).toBe(0.4)
  expect(workflow.nodes).toHaveLength(Object.keys(prompt).length)
  expect(inputsOf(uiToApi(workflow, await client.defs(), { dynamicPrompts: 'keep' }).prompt)).toEqual(inputsOf(prompt))
})

test('a UI workflow is embedded as it is; --no-workflow sends none', async () => {
  const file = fixturePath('workflows', 'ui', 'comfyscript__default.ui.json')
  const { extra } = await runJson([file])
  expect((extra['extra_pnginfo'] as { workflow: unknown }).workflow).toEqual(JSON.parse(readFileSync(file, 'utf8')))
  const without = await runJson([join(ROOT, 'workflows', 'img2img_default.json'), '--no-workflow'])
  expect(without.extra['extra_pnginfo']).toBeUndefined()
})

test('client.submit({ workflow: true }) lays out the prompt with the definitions given', async () => {
  const prompt = JSON.parse(readFileSync(join(ROOT, 'workflows', 'img2img_default.json'), 'utf8')) as ApiPrompt
  const job = await client.submit(prompt, { workflow: true, defs: loadDefs('core026'), extraData: { extra_pnginfo: { note: 'kept' } } })
  await job.wait()
  const extra = (await client.history(job.id))?.prompt[3] as { extra_pnginfo: { note: string; workflow: { nodes: { type: string }[] } } }
  expect(extra.extra_pnginfo.note).toBe('kept')
  expect(extra.extra_pnginfo.workflow.nodes.map((n) => n.type)).toContain('KSampler')
})
