/**
 * The test server's HTTP routes (each also under `/api`), answering with the bodies and statuses recorded
 * from a real ComfyUI server; `POST /prompt` verdicts come from the project's offline validator.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import sharp from 'sharp'
import { Response } from 'undici'
import { parsePythonJson, PyFloat, validateRequest } from '../validate/index.js'
import type { Executor } from './executor.js'
import type { ModelCatalog, ModelFolder } from './models.js'
import type { ObjectInfoSource } from './object-info.js'
import { queueTuple, type PromptQueue } from './prompt-queue.js'
import { emptyReply, fileReply, internalError, jsonReply, notFound, type Reply } from './replies.js'
import type { FolderType, ServerFiles } from './server-files.js'

export interface RouteContext {
  readonly files: ServerFiles
  readonly queue: PromptQueue
  readonly objectInfo: ObjectInfoSource
  readonly models: ModelCatalog
  readonly executor: Executor
  /** The ComfyUI release imitated (validation differences, `/system_stats`). */
  readonly version: string
  /** `POST /prompt` requests seen per prompt id. */
  readonly promptRequests: Map<string, number>
  broadcastStatus(): void
  kick(): void
}

export interface Request {
  readonly method: string
  /** Path without the `/api` prefix. */
  readonly path: string
  readonly query: URLSearchParams
  readonly contentType: string | undefined
  readonly body: Buffer
}

const FEATURES = { supports_preview_metadata: true, max_upload_size: 104857600, extension: { manager: { supports_v4: true } } }

const MODEL_FOLDERS = [
  'checkpoints', 'configs', 'loras', 'vae', 'text_encoders', 'diffusion_models', 'clip_vision', 'style_models', 'embeddings',
  'diffusers', 'vae_approx', 'controlnet', 'gligen', 'upscale_models', 'latent_upscale_models', 'custom_nodes', 'hypernetworks',
  'photomaker', 'classifiers', 'model_patches', 'audio_encoders',
]

const MIME: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.json': 'application/json',
}

export async function route(request: Request, context: RouteContext): Promise<Reply> {
  const { method, path } = request
  const key = `${method} ${path}`
  switch (key) {
    case 'POST /prompt':
      return postPrompt(request, context)
    case 'GET /prompt':
      return jsonReply({ exec_info: { queue_remaining: context.queue.remaining } })
    case 'GET /queue':
      return jsonReply({
        queue_running: context.queue.running === undefined ? [] : [queueTuple(context.queue.running)],
        queue_pending: context.queue.pending.map(queueTuple),
      })
    case 'POST /queue':
      return postQueue(request, context)
    case 'POST /interrupt':
      return postInterrupt(request, context)
    case 'POST /free': {
      // The worker frees memory before it takes the next prompt; `free_memory` also empties the node cache:
      const json = parseBody(request)
      if (json === undefined) return internalError()
      if (json['free_memory'] !== undefined && json['free_memory'] !== false && json['free_memory'] !== null) context.executor.resetBeforeNextRun()
      return emptyReply()
    }
    case 'GET /history':
      return getHistory(request, context)
    case 'POST /history':
      return postHistory(request, context)
    case 'GET /view':
      return getView(request, context)
    case 'POST /upload/image':
      return upload(request, context, false)
    case 'POST /upload/mask':
      return upload(request, context, true)
    case 'GET /object_info':
      return jsonReply(context.objectInfo.current(await context.files.listInputs()).raw)
    case 'GET /system_stats':
      return jsonReply(systemStats(context.version))
    case 'GET /features':
      return jsonReply(FEATURES)
    case 'GET /embeddings':
    case 'GET /extensions':
      return jsonReply([])
    case 'GET /models':
      return jsonReply(MODEL_FOLDERS)
    default:
      break
  }
  if (method === 'GET' && path.startsWith('/history/')) {
    const id = decodeURIComponent(path.slice('/history/'.length))
    const record = context.queue.history.get(id)
    return jsonReply(record === undefined ? {} : { [id]: record })
  }
  if (method === 'GET' && path.startsWith('/object_info/')) {
    const classType = decodeURIComponent(path.slice('/object_info/'.length))
    const info = context.objectInfo.current(await context.files.listInputs()).raw[classType]
    return jsonReply(info === undefined ? {} : { [classType]: info })
  }
  if (method === 'GET' && path.startsWith('/models/')) {
    const folder = decodeURIComponent(path.slice('/models/'.length))
    if (!MODEL_FOLDERS.includes(folder)) return notFound()
    return jsonReply(context.models.folders[folder as ModelFolder] ?? [])
  }
  return notFound()
}

// The whole body is judged as server.py's post_prompt does (see validateRequest); an accepted prompt is queued.
async function postPrompt(request: Request, context: RouteContext): Promise<Reply> {
  let body: unknown
  try {
    body = parsePythonJson(request.body.toString('utf8'))
  } catch {
    return internalError()
  }
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const requested = (body as Record<string, unknown>)['prompt_id']
    if (requested !== undefined && requested !== null) {
      context.promptRequests.set(String(requested), (context.promptRequests.get(String(requested)) ?? 0) + 1)
    }
  }
  const { defs } = context.objectInfo.current(await context.files.listInputs())
  const verdict = validateRequest(body, defs, { serverVersion: context.version, lint: false, counter: context.queue.counter })
  context.queue.counter = verdict.counterAfter
  if (verdict.status === 500) return internalError()
  if (!verdict.accepted) return jsonReply(verdict.response(), 400)
  const promptId = verdict.promptId ?? randomUUID()
  const number = verdict.number as number | PyFloat
  context.queue.put({
    number: number instanceof PyFloat ? number.value : number,
    promptId,
    prompt: (body as Record<string, unknown>)['prompt'] as Record<string, unknown>,
    extraData: { ...verdict.extraData, create_time: Date.now() },
    outputs: verdict.outputs,
  })
  context.broadcastStatus()
  context.kick()
  return jsonReply({ prompt_id: promptId, number, node_errors: verdict.nodeErrors })
}

function postQueue(request: Request, context: RouteContext): Reply {
  const json = parseBody(request)
  if (json === undefined) return internalError()
  if (json['clear'] === true) context.queue.clear()
  if (Array.isArray(json['delete'])) context.queue.delete(json['delete'])
  context.broadcastStatus()
  return emptyReply()
}

function postInterrupt(request: Request, context: RouteContext): Reply {
  const json = parseBody(request)
  const id = json?.['prompt_id']
  context.queue.interrupt(typeof id === 'string' ? id : undefined)
  return emptyReply()
}

function getHistory(request: Request, context: RouteContext): Reply {
  const entries = [...context.queue.history.entries()]
  const maxItems = request.query.get('max_items')
  const offset = request.query.get('offset')
  let start = offset === null ? 0 : Number(offset)
  let end = entries.length
  if (maxItems !== null) {
    if (offset === null) start = Math.max(0, entries.length - Number(maxItems))
    end = Math.min(entries.length, start + Number(maxItems))
  }
  if (Number.isNaN(start) || Number.isNaN(end)) return internalError()
  return jsonReply(Object.fromEntries(entries.slice(start, end)))
}

function postHistory(request: Request, context: RouteContext): Reply {
  const json = parseBody(request)
  if (json === undefined) return internalError()
  if (json['clear'] === true) context.queue.history.clear()
  if (Array.isArray(json['delete'])) for (const id of json['delete']) context.queue.history.delete(String(id))
  return emptyReply()
}

function getView(request: Request, context: RouteContext): Reply {
  const filename = request.query.get('filename')
  const resolved = context.files.resolveView(filename, request.query.get('subfolder') ?? '', request.query.get('type') ?? 'output')
  if ('status' in resolved) return { status: resolved.status, headers: {} }
  const name = (filename as string).replace(/ \[(input|output|temp)\]$/, '')
  return fileReply(resolved.path, name.split('/').pop() as string, MIME[extname(name).toLowerCase()] ?? 'application/octet-stream')
}

async function upload(request: Request, context: RouteContext, mask: boolean): Promise<Reply> {
  let form: FormData
  try {
    form = (await new Response(request.body, { headers: { 'content-type': request.contentType ?? '' } }).formData()) as unknown as FormData
  } catch {
    return internalError()
  }
  const image = form.get('image')
  if (!(image instanceof Blob) || !('name' in image) || !image.name) return { status: 400, headers: {} }
  const type = String(form.get('type') ?? 'input')
  if (type !== 'input' && type !== 'temp' && type !== 'output') return internalError()
  const overwrite = ['true', '1'].includes(String(form.get('overwrite') ?? 'false'))
  let bytes: Buffer = Buffer.from(await image.arrayBuffer())
  if (mask) bytes = await mergeMask(context.files, bytes, form.get('original_ref'))
  const saved = await context.files.saveUpload(type as FolderType, String(form.get('subfolder') ?? ''), image.name as string, bytes, overwrite)
  if (saved === undefined) return { status: 400, headers: {} }
  return jsonReply(saved)
}

// The original image with the uploaded mask's alpha; ComfyUI swallows errors here and saves what it has.
async function mergeMask(files: ServerFiles, maskBytes: Buffer, originalRef: unknown): Promise<Buffer> {
  try {
    const ref = JSON.parse(String(originalRef)) as { filename?: string; subfolder?: string; type?: string }
    const folder = files.folder(ref.type ?? 'input')
    if (folder === undefined || typeof ref.filename !== 'string') return maskBytes
    const resolved = files.resolveView(ref.filename, ref.subfolder ?? '', ref.type ?? 'input')
    if ('status' in resolved) return maskBytes
    const original = sharp(await readFile(resolved.path))
    const { width, height } = await original.metadata()
    const alpha = await sharp(maskBytes).ensureAlpha().extractChannel(3).resize(width, height, { fit: 'fill' }).raw().toBuffer()
    return await original.removeAlpha().joinChannel(alpha, { raw: { width: width as number, height: height as number, channels: 1 } }).png().toBuffer()
  } catch {
    return maskBytes
  }
}

function parseBody(request: Request): Record<string, unknown> | undefined {
  if (request.body.length === 0) return {}
  try {
    const value = parsePythonJson(request.body.toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
  } catch {
    return undefined
  }
}

function systemStats(version: string): unknown {
  return {
    system: {
      os: 'linux',
      ram_total: 25276063744,
      ram_free: 24446230528,
      comfyui_version: version,
      required_frontend_version: '1.35.9',
      installed_templates_version: null,
      required_templates_version: '0.7.67',
      python_version: '3.13.5 (comfy-dsl test server)',
      pytorch_version: 'none (comfy-dsl test server)',
      embedded_python: false,
      argv: ['main.py', '--cpu'],
    },
    devices: [{ name: 'cpu', type: 'cpu', index: null, vram_total: 0, vram_free: 0, torch_vram_total: 0, torch_vram_free: 0 }],
  }
}
