/**
 * The test server against the traffic recorded from a real ComfyUI 0.8.0: the same requests get the same
 * statuses, content types and bodies (byte for byte where nothing random is in them), and the same runs
 * produce the same WebSocket transcripts, frame for frame, ids and timestamps masked.
 */
import { readFileSync } from 'node:fs'
import { FormData, request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import { fixturePath } from '../helpers/fixtures.js'
import { normalizeFrame, readCapture, readTranscript, RecordingSocket } from './capture-helpers.js'

let server: TestServer

beforeAll(async () => {
  server = await startTestServer({
    objectInfo: fixturePath('server-verdicts', 'object_info_0.8.0.json'),
    serverVersion: '0.8.0',
    stepMs: 1,
  })
  const form = new FormData()
  form.append('image', new Blob([readFileSync(fixturePath('server-captures', 'test_input.png'))]), 'test_input.png')
  form.append('overwrite', 'true')
  form.append('subfolder', '')
  form.append('type', 'input')
  await request(`${server.url}/upload/image`, { method: 'POST', body: form })
})

afterAll(async () => {
  await server.close()
})

async function send(method: string, url: string, body: unknown): Promise<{ status: number; type: string | undefined; text: string }> {
  const response = await request(`${server.url}${url}`, {
    method: method as 'GET' | 'POST',
    ...(body === null || body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  const text = await response.body.text()
  return { status: response.statusCode, type: response.headers['content-type'] as string | undefined, text }
}

/** node_errors (and each node's errors) compared as sets, tracebacks (machine-specific) left out, as the verdict corpus README says. */
function comparable(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return body
  const { error, node_errors } = body as { error?: unknown; node_errors?: Record<string, { errors: unknown[]; dependent_outputs: string[]; class_type: string }> }
  const nodes = Object.fromEntries(
    Object.entries(node_errors ?? {}).map(([id, entry]) => [
      id,
      {
        ...entry,
        dependent_outputs: [...entry.dependent_outputs].sort(),
        // Python iterates input names as a set: the order of one node's errors is not stable.
        errors: entry.errors
          .map((e) => {
            const { extra_info, ...rest } = e as { extra_info: Record<string, unknown> }
            const { traceback: _traceback, ...info } = extra_info
            return { ...rest, extra_info: info }
          })
          .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      },
    ]),
  )
  return { error, node_errors: nodes }
}

describe('recorded HTTP answers', () => {
  const rejections = [
    '10_missing_required_input',
    '11_bad_link_missing_node',
    '12_bad_link_type_mismatch',
    '13_wrong_enum_value',
    '14_int_out_of_range',
    '15_missing_image_file',
    '16_unknown_class_type',
    '17_no_output_nodes',
    '18_wrong_type_string_for_int',
    '19_multiple_errors',
    '20_prompt_not_object',
    '21_no_prompt_key',
    '22_invalid_json_body',
  ]
  it.each(rejections)('%s: same status, content type and body', async (name) => {
    const capture = readCapture(name)
    const answer = await send(capture.request.method, capture.request.url, capture.request.body)
    expect(answer.status).toBe(capture.response.status)
    expect(answer.type).toBe(capture.response.headers['content-type'])
    if (typeof capture.response.body === 'string') expect(answer.text).toBe(capture.response.body)
    else expect(comparable(JSON.parse(answer.text))).toEqual(comparable(capture.response.body))
  })

  // Bodies with nothing random in them are compared byte for byte, so the Python JSON formatting is checked too:
  const exact = ['05_get_queue', '05_get_prompt', '40_api_prefix_queue', '40_features', '40_embeddings', '40_extensions', '40_models', '01_upload_image']
  it.each(exact)('%s: same body bytes and length', async (name) => {
    const capture = readCapture(name)
    let answer
    if (name === '01_upload_image') {
      const form = new FormData()
      form.append('image', new Blob([readFileSync(fixturePath('server-captures', 'test_input.png'))]), 'test_input.png')
      for (const key of ['overwrite', 'subfolder', 'type'] as const) form.append(key, (capture.request.body as { multipart: Record<string, string> }).multipart[key] as string)
      const response = await request(`${server.url}/upload/image`, { method: 'POST', body: form })
      answer = { status: response.statusCode, type: response.headers['content-type'], text: await response.body.text() }
    } else {
      answer = await send(capture.request.method, capture.request.url, capture.request.body)
    }
    expect(answer.status).toBe(capture.response.status)
    expect(answer.type).toBe(capture.response.headers['content-type'])
    expect(JSON.parse(answer.text)).toEqual(capture.response.body)
    expect(Buffer.byteLength(answer.text)).toBe(Number(capture.response.headers['content-length']))
  })

  it.each(['05_view_missing', '40_free', '40_interrupt', '40_queue_clear', '68_history_delete_A', '69_history_after_delete'])(
    '%s: same status and empty or {} body',
    async (name) => {
      const capture = readCapture(name)
      const answer = await send(capture.request.method, capture.request.url, capture.request.body)
      expect(answer.status).toBe(capture.response.status)
      expect(Buffer.byteLength(answer.text)).toBe(Number(capture.response.headers['content-length']))
    },
  )

  it('05_view_input: serves the uploaded file with its type and length', async () => {
    const capture = readCapture('05_view_input')
    const response = await request(`${server.url}${capture.request.url}`)
    const bytes = Buffer.from(await response.body.arrayBuffer())
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('image/png')
    expect(response.headers['content-disposition']).toBe('filename="test_input.png"')
    expect(bytes.equals(readFileSync(fixturePath('server-captures', '05_view_input.png')))).toBe(true)
  })

  it('30_object_info_ckptloader and 40_object_info_LoadImage: file pickers list the server files', async () => {
    for (const name of ['30_object_info_ckptloader', '40_object_info_LoadImage']) {
      const capture = readCapture(name)
      const answer = JSON.parse((await send('GET', capture.request.url, null)).text) as Record<string, { input: { required: Record<string, [string[]]> } }>
      const [classType, info] = Object.entries(capture.response.body as typeof answer)[0] as [string, (typeof answer)[string]]
      const [input, spec] = Object.entries(info.input.required)[0] as [string, [string[]]]
      expect(answer[classType]?.input.required[input]?.[0]).toEqual(expect.arrayContaining(spec[0].filter((f) => f !== 'example.png')))
    }
  })
})

describe('recorded WebSocket transcripts', () => {
  async function replay(name: string, options: { featureFlags: boolean }): Promise<{ ours: string[]; recorded: string[] }> {
    const capture = readCapture(`${name}_post_prompt`)
    const body = capture.request.body as { client_id: string; prompt: unknown }
    const socket = new RecordingSocket(server.url, body.client_id, options.featureFlags)
    await socket.opened
    if (options.featureFlags) await socket.until((f) => f.includes('"feature_flags"'))
    const answer = await send('POST', '/prompt', body)
    expect(answer.status).toBe(200)
    const { prompt_id } = JSON.parse(answer.text) as { prompt_id: string }
    await socket.until((f) => f.includes('"node": null') && f.includes(prompt_id))
    socket.close()
    return { ours: socket.frames.map(normalizeFrame), recorded: readTranscript(name).map(normalizeFrame) }
  }

  it('02_invert_scale: the same frames, byte for byte, in the same order', async () => {
    const { ours, recorded } = await replay('02_invert_scale', { featureFlags: true })
    expect(ours).toEqual(recorded)
  })

  it('04_invert_scale_cached: a repeated prompt reports its cached output and runs nothing', async () => {
    const { ours, recorded } = await replay('04_invert_scale_cached', { featureFlags: true })
    expect(ours).toEqual(recorded)
  })

  it('31_img2img_dummy_ckpt: a failing loader gives the recorded execution_error sequence', async () => {
    const { ours, recorded } = await replay('31_img2img_dummy_ckpt', { featureFlags: true })
    const tokens = (frames: string[]): string[] => frames.map((f) => JSON.parse(f.replace(/<ts>/g, '0').replace(/<uuid>/g, 'id')) as { type: string }).map((m) => m.type)
    expect(tokens(ours)).toEqual(tokens(recorded))
    const error = (frames: string[]): unknown => {
      const frame = (frames.find((f) => f.includes('"execution_error"')) as string).replace(/<ts>/g, '0')
      const { data } = JSON.parse(frame) as { data: Record<string, unknown> }
      return { node_id: data['node_id'], node_type: data['node_type'], exception_type: data['exception_type'], exception_message: data['exception_message'] }
    }
    expect(error(ours)).toEqual(error(recorded))
  })

  // The real server ran these nodes in another order; each node's own frames and the run's frame kinds must match:
  function byNode(frames: string[]): Map<string, string[]> {
    const blocks = new Map<string, string[]>()
    let node = '(run)'
    for (const frame of frames) {
      if (frame.startsWith('<binary')) {
        blocks.get(node)?.push(frame)
        continue
      }
      const message = JSON.parse(frame.replace(/<ts>/g, '0')) as { type: string; data: Record<string, unknown> }
      if (message.type === 'executing' && typeof message.data['node'] === 'string') node = message.data['node']
      if (message.type === 'progress_state') continue
      const key = message.type === 'status' || message.type === 'feature_flags' || message.type.startsWith('execution_') ? '(run)' : node
      if (!blocks.has(key)) blocks.set(key, [])
      blocks.get(key)?.push(message.type === 'status' ? 'status' : frame)
    }
    return blocks
  }

  it('51_stretch_random_sd15_txt2img: a sampler run with previews, node by node', async () => {
    const { ours, recorded } = await replay('51_stretch_random_sd15_txt2img', { featureFlags: true })
    expect(byNode(ours)).toEqual(byNode(recorded))
  })

  // Recorded right after 51: the loaders and text encoders come from the cache.
  it('52_txt2img_preview_with_metadata: type-4 previews before each progress message', async () => {
    const { ours, recorded } = await replay('52_txt2img_preview_with_metadata', { featureFlags: true })
    expect(byNode(ours)).toEqual(byNode(recorded))
  })

  it('53_txt2img_preview_legacy_no_feature_flags: type-1 previews after each progress message', async () => {
    const { ours, recorded } = await replay('53_txt2img_preview_legacy_no_feature_flags', { featureFlags: false })
    expect(byNode(ours)).toEqual(byNode(recorded))
  })
})
