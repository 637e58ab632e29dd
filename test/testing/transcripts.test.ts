/**
 * Every recorded WebSocket transcript of a real ComfyUI 0.8.0 (test/fixtures/server-captures/*_ws.jsonl), replayed
 * against the test server in the recorded order (so the cache holds what it held then) and compared message by
 * message: the same kinds in the same order, the same fields (ids and timestamps masked), `status` frames,
 * `progress_state` snapshots, `executing: null` last, previews as binary frames of the same type. Tracebacks (the
 * real server's Python stack) are compared by presence only.
 */
import { readFileSync } from 'node:fs'
import { FormData, request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import { fixturePath } from '../helpers/fixtures.js'
import { normalizeFrame, readCapture, readTranscript, RecordingSocket } from './capture-helpers.js'

let server: TestServer

beforeAll(async () => {
  server = await startTestServer({ objectInfo: fixturePath('server-verdicts', 'object_info_0.8.0.json'), serverVersion: '0.8.0', stepMs: 1 })
  const form = new FormData()
  form.append('image', new Blob([readFileSync(fixturePath('server-captures', 'test_input.png'))]), 'test_input.png')
  form.append('overwrite', 'true')
  form.append('type', 'input')
  await request(`${server.url}/upload/image`, { method: 'POST', body: form })
})

afterAll(async () => {
  await server.close()
})

/**
 * A frame for comparison: ids and timestamps masked; in an execution_error the traceback reduced to its presence and
 * `current_outputs` sorted (the server lists a Python set, in no stable order).
 */
function comparable(frame: string): string {
  const text = normalizeFrame(frame)
  if (!text.includes('"execution_error"')) return text
  const message = JSON.parse(text.replace(/<ts>/g, '0')) as { type: string; data: Record<string, unknown> }
  const outputs = message.data['current_outputs']
  const data = {
    ...message.data,
    traceback: Array.isArray(message.data['traceback']) ? '<traceback>' : message.data['traceback'],
    current_outputs: Array.isArray(outputs) ? [...(outputs as string[])].sort() : outputs,
  }
  return JSON.stringify({ ...message, data })
}

async function replay(name: string, featureFlags: boolean): Promise<{ ours: string[]; recorded: string[] }> {
  const body = readCapture(`${name}_post_prompt`).request.body as { client_id: string }
  const socket = new RecordingSocket(server.url, body.client_id, featureFlags)
  await socket.opened
  if (featureFlags) await socket.until((f) => f.includes('"feature_flags"'))
  const answer = await request(`${server.url}/prompt`, { method: 'POST', body: JSON.stringify(body) })
  const { prompt_id } = (await answer.body.json()) as { prompt_id: string }
  await socket.until((f) => f.includes('"node": null') && f.includes(prompt_id))
  socket.close()
  return {
    ours: socket.frames.map((f) => (typeof f === 'string' ? comparable(f) : normalizeFrame(f))),
    recorded: readTranscript(name).map((f) => (f.binary ? normalizeFrame(f) : comparable(f.raw as string))),
  }
}

/**
 * In the order they were recorded: each run leaves the cache the next one found. The recording session freed memory
 * (`POST /free {"free_memory": true}`, capture 40_free) before 50, and found nothing cached before 51 either: the
 * session reset the server there too, unrecorded, so the replay does the same.
 */
const RESET_BEFORE = new Set(['50_stretch_random_sd15_img2img', '51_stretch_random_sd15_txt2img'])
const RUNS: readonly (readonly [string, boolean])[] = [
  ['02_invert_scale', true],
  ['04_invert_scale_cached', true],
  ['31_img2img_dummy_ckpt', true],
  ['33_controlnet_dummy', true],
  ['34_controlnet_loader_only', true],
  ['35_img2img_garbage_ckpt', true],
  ['50_stretch_random_sd15_img2img', true],
  ['51_stretch_random_sd15_txt2img', true],
  ['52_txt2img_preview_with_metadata', true],
  ['53_txt2img_preview_legacy_no_feature_flags', false],
]

/**
 * The one difference left, by run: the recorded single-step img2img sampler (50) sent no latent preview with its
 * step, although every other recorded step (51, 52, 53) has one; nothing in the request explains it, so the test
 * server keeps one preview per step and the comparison drops it here (checked to be there, once).
 */
const PREVIEW_NOT_RECORDED = new Set(['50_stretch_random_sd15_img2img'])

describe('recorded WebSocket transcripts, message by message', () => {
  it.each(RUNS)('%s', async (name, featureFlags) => {
    if (RESET_BEFORE.has(name)) await request(`${server.url}/free`, { method: 'POST', body: JSON.stringify({ unload_models: true, free_memory: true }) })
    const replayed = await replay(name, featureFlags)
    let ours = replayed.ours
    if (PREVIEW_NOT_RECORDED.has(name)) {
      expect(ours.filter((f) => f.startsWith('<binary')).length).toBe(1)
      expect(replayed.recorded.some((f) => f.startsWith('<binary'))).toBe(false)
      ours = ours.filter((f) => !f.startsWith('<binary'))
    }
    expect(ours).toEqual(replayed.recorded)
  })
})

/**
 * 60: three prompts from one client, B and C (to the front) queued while A runs; B deleted from the queue and A
 * interrupted after its first sampler step, then C interrupted the same way by a global interrupt. Nodes and steps
 * are slowed down so the requests land where the recording has them.
 */
describe('recorded WebSocket transcript of queueing and interrupting', () => {
  it('60_interrupt: statuses, deletion, interrupts and the next prompt, message by message', async () => {
    const [a, b, c] = (['A', 'B', 'C_front'] as const).map((x) => readCapture(`60_post_prompt_${x}`).request.body as { client_id: string })
    const post = async (body: unknown): Promise<string> =>
      ((await (await request(`${server.url}/prompt`, { method: 'POST', body: JSON.stringify(body) })).body.json()) as { prompt_id: string }).prompt_id
    const postJson = async (path: string, body: unknown): Promise<void> => {
      await (await request(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body) })).body.text()
    }
    const socket = new RecordingSocket(server.url, (a as { client_id: string }).client_id, true)
    await socket.opened
    await socket.until((f) => f.includes('"feature_flags"'))
    const saved = { ...server.timing }
    // Nodes and steps take time, as on the real server: B and C arrive while A's first node runs.
    Object.assign(server.timing, { stepMs: 400, nodeMs: 300 })
    try {
      const idA = await post(a)
      await socket.until((f) => f.includes('"executing"') && f.includes(idA))
      await post(b).then(async (idB) => {
        await post(c)
        await socket.until((f) => f.includes('"progress"') && f.includes(idA))
        await postJson('/queue', { delete: [idB] })
        await postJson('/interrupt', { prompt_id: idA })
      })
      await socket.until((f) => f.includes('"progress"') && !f.includes(idA))
      await postJson('/interrupt', {})
      await socket.until((f) => f.includes('"node": null') && !f.includes(idA))
    } finally {
      Object.assign(server.timing, saved)
      socket.close()
    }
    const ours = socket.frames.map((f) => (typeof f === 'string' ? comparable(f) : normalizeFrame(f)))
    const recorded = readTranscript('60_interrupt').map((f) => (f.binary ? normalizeFrame(f) : comparable(f.raw as string)))
    expect(ours).toEqual(recorded)
  })
})
