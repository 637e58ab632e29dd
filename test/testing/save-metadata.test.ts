/**
 * The test server's SaveImage embeds the prompt and `extra_pnginfo` as ComfyUI does: a UI workflow sent with a job
 * comes back out of the saved PNG (read with the project's metadata reader) and converts to the prompt that ran.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uiToApi } from '../../src/convert/ui-to-api.js'
import { coreDefs } from '../../src/defs/core/index.js'
import { readImageText, readWorkflowMetadata } from '../../src/images/index.js'
import { parseJson } from '../../src/json/lossless.js'
import { startTestServer, type TestServer } from '../../src/testing/index.js'

const WORKFLOW = parseJson(readFileSync(join(import.meta.dirname, '../fixtures/workflows/ui/comfyscript__default.ui.json'), 'utf8'))

let server: TestServer
let plain: TestServer

beforeAll(async () => {
  server = await startTestServer({ stepMs: 1 })
  plain = await startTestServer({ stepMs: 1, metadata: false })
})

afterAll(async () => {
  await server.close()
  await plain.close()
})

/** Submits a prompt as the editor does and returns the bytes of the first image its SaveImage wrote. */
async function runAndFetch(target: TestServer, prompt: unknown, extraData: Record<string, unknown>): Promise<Buffer> {
  const submitted = await fetch(`${target.url}/prompt`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt, extra_data: extraData }),
  })
  expect(submitted.status, await submitted.clone().text()).toBe(200)
  const { prompt_id: promptId } = (await submitted.json()) as { prompt_id: string }
  for (let attempt = 0; attempt < 500; attempt++) {
    const history = (await (await fetch(`${target.url}/history/${promptId}`)).json()) as Record<string, HistoryEntry>
    const entry = history[promptId]
    if (entry?.status?.completed) {
      const image = Object.values(entry.outputs).flatMap((o) => o.images ?? [])[0]
      if (image === undefined) throw new Error(`no image in ${JSON.stringify(entry.outputs)}`)
      const query = new URLSearchParams({ filename: image.filename, subfolder: image.subfolder, type: image.type })
      const view = await fetch(`${target.url}/view?${query}`)
      expect(view.status).toBe(200)
      return Buffer.from(await view.arrayBuffer())
    }
    if (entry?.status?.status_str === 'error') throw new Error(`job failed: ${JSON.stringify(entry.status)}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('the job did not finish')
}

function withPrefix(prompt: Record<string, { class_type: string; inputs: Record<string, unknown> }>, prefix: string): typeof prompt {
  return Object.fromEntries(
    Object.entries(prompt).map(([id, node]) => [id, node.class_type === 'SaveImage' ? { ...node, inputs: { ...node.inputs, filename_prefix: prefix } } : node]),
  )
}

interface HistoryEntry {
  status?: { completed: boolean; status_str: string }
  outputs: Record<string, { images?: { filename: string; subfolder: string; type: string }[] }>
}

describe('SaveImage metadata in the test server', () => {
  it('embeds the workflow sent in extra_pnginfo; read back and converted, it gives the prompt that ran', async () => {
    const { prompt } = uiToApi(WORKFLOW, coreDefs, { file: 'comfyscript__default.ui.json' })
    const png = await runAndFetch(server, prompt, { extra_pnginfo: { workflow: WORKFLOW } })

    const text = await readImageText(png)
    expect(Object.keys(text.entries)).toEqual(['prompt', 'workflow'])
    const metadata = await readWorkflowMetadata(png)
    expect(metadata.prompt).toEqual(prompt)
    expect(metadata.workflow).toEqual(WORKFLOW)
    expect(uiToApi(metadata.workflow, coreDefs).prompt).toEqual(prompt)
  })

  it('writes the JSON as Python json.dumps does: ASCII only, one chunk per extra_pnginfo key in order', async () => {
    // Another file name prefix, so that the server does not answer from its cache with the first test's image:
    const prompt = withPrefix(uiToApi(WORKFLOW, coreDefs).prompt, 'ascii')
    const png = await runAndFetch(server, prompt, { extra_pnginfo: { workflow: { note: 'café ☕' }, extra: [1, 2.5] } })
    const { entries } = await readImageText(png)
    expect(Object.keys(entries)).toEqual(['prompt', 'workflow', 'extra'])
    expect(entries['workflow']).toBe('{"note": "caf\\u00e9 \\u2615"}')
    expect(entries['extra']).toBe('[1, 2.5]')
    expect((await readWorkflowMetadata(png)).workflow).toEqual({ note: 'café ☕' })
  })

  it('writes no metadata when the server imitates --disable-metadata', async () => {
    const { prompt } = uiToApi(WORKFLOW, coreDefs)
    const png = await runAndFetch(plain, prompt, { extra_pnginfo: { workflow: WORKFLOW } })
    const metadata = await readWorkflowMetadata(png)
    expect(metadata.text).toEqual({})
    expect(metadata.prompt).toBeUndefined()
    expect(metadata.workflow).toBeUndefined()
  })
})
