/**
 * A ComfyUI-protocol server on loopback for tests: the recorded HTTP shapes and WebSocket sequences of a real
 * server, a few image nodes executed for real with sharp, cheap stand-ins for the model nodes, configurable
 * sampler step timing, and injectable faults (dropped sockets, restarts, 500s, stalls, malformed JSON,
 * hostile file names).
 * @module
 */
import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { WebSocketServer, type WebSocket } from 'ws'
import { LATEST_SERVER_VERSION } from '../validate/index.js'
import { Executor, type ExecutionHost } from './executor.js'
import { FaultPlan, type Fault } from './faults.js'
import { modelCatalog, type ModelCatalog, type ModelFolder } from './models.js'
import { BUNDLED_OBJECT_INFO, ObjectInfoSource } from './object-info.js'
import { PromptQueue } from './prompt-queue.js'
import { pyDumps } from './py-json.js'
import { internalError, jsonReply, type Reply } from './replies.js'
import { echoRequest, oversizedMessage } from './hostile-replies.js'
import { route, type RouteContext } from './routes.js'
import { ServerFiles } from './server-files.js'

export interface TestServerOptions {
  /** Port on 127.0.0.1 (default 0: any free port). */
  readonly port?: number
  /** object_info to serve: a JSON file path or the parsed object (default: the bundled ComfyUI v0.26.0 snapshot). */
  readonly objectInfo?: string | Readonly<Record<string, unknown>>
  /** The ComfyUI release to imitate in verdicts and `/system_stats` (default 0.26.0). */
  readonly serverVersion?: string
  /** Model files to list besides the defaults, by folder. */
  readonly models?: Partial<Record<ModelFolder, readonly string[]>>
  /** Sampler step time in ms (default 10). */
  readonly stepMs?: number
  /** Extra time of every executed node in ms (default 0). */
  readonly nodeMs?: number
  /** Latent previews on sampler steps, as with `--preview-method auto` (default true). */
  readonly previews?: boolean
  /** Cache node outputs across prompts (default true; false is ComfyUI's `--cache-none`). */
  readonly cache?: boolean
  /** Embed the prompt and `extra_pnginfo` in saved PNGs as SaveImage does (default true; false is `--disable-metadata`). */
  readonly metadata?: boolean
  /** Folder holding input/, output/ and temp/ (default: a fresh temporary folder, removed by `close`). */
  readonly dir?: string
}

interface Client {
  readonly ws: WebSocket
  previewMetadata: boolean
}

// Messages that reach every socket when the prompt has no client_id (the rest are not sent at all):
const BROADCAST_WITHOUT_CLIENT = new Set(['progress', 'progress_state', 'execution_interrupted'])

export class TestServer {
  readonly files: ServerFiles
  readonly queue = new PromptQueue()
  readonly faults = new FaultPlan()
  readonly models: ModelCatalog
  readonly objectInfo: ObjectInfoSource
  readonly version: string
  readonly executor: Executor
  /** `POST /prompt` requests per client-chosen prompt id. */
  readonly promptRequests = new Map<string, number>()
  readonly timing: { stepMs: number; nodeMs: number }
  readonly #previews: boolean
  readonly #cache: boolean
  readonly #metadata: boolean
  readonly #ownDir: boolean
  readonly #http: Server
  readonly #wss = new WebSocketServer({ noServer: true })
  readonly #clients = new Map<string, Client>()
  readonly #connections = new Set<Socket>()
  #port = 0
  #working = false
  #muted = new Set<string>()
  #lastNode: { promptId: string; node: string } | undefined
  #closed = false

  constructor(dir: string, ownDir: boolean, options: TestServerOptions) {
    this.files = new ServerFiles(dir)
    this.#ownDir = ownDir
    this.models = modelCatalog(options.models)
    this.objectInfo = new ObjectInfoSource(options.objectInfo ?? BUNDLED_OBJECT_INFO, this.models)
    this.version = options.serverVersion ?? LATEST_SERVER_VERSION
    this.timing = { stepMs: options.stepMs ?? 10, nodeMs: options.nodeMs ?? 0 }
    this.#previews = options.previews ?? true
    this.#cache = options.cache ?? true
    this.#metadata = options.metadata ?? true
    this.executor = new Executor(this.#executionHost())
    this.#http = createServer((req, res) => void this.#onRequest(req, res))
    this.#http.on('connection', (socket: Socket) => {
      this.#connections.add(socket)
      socket.on('close', () => this.#connections.delete(socket))
    })
    this.#http.on('upgrade', (req, socket, head) => this.#onUpgrade(req, socket as Socket, head))
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`
  }

  get port(): number {
    return this.#port
  }

  /** How many times each prompt id started executing. */
  get executions(): ReadonlyMap<string, number> {
    return this.executor.executions
  }

  /** Open WebSocket connections by client id. */
  get sockets(): number {
    return this.#clients.size
  }

  async listen(port: number): Promise<void> {
    await this.files.init()
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject)
      this.#http.listen(port, '127.0.0.1', () => {
        this.#http.off('error', reject)
        resolve()
      })
    })
    const address = this.#http.address()
    this.#port = typeof address === 'object' && address !== null ? address.port : port
  }

  /** Arms a fault (see {@link Fault}). */
  inject(fault: Fault): void {
    this.faults.add(fault)
  }

  clearFaults(): void {
    this.faults.clear()
  }

  /** Closes every WebSocket at once, as a network drop would. */
  dropSockets(): void {
    for (const client of this.#clients.values()) client.ws.terminate()
  }

  /**
   * Stops answering, closes every connection, and listens again on the same port after `downtimeMs`.
   * Without `keepState` the queue, history and cache are lost and the running prompt dies, as when a real
   * server restarts; with it, the prompt runs on (a proxy in front of the server restarted).
   */
  async restart(options: { keepState?: boolean; downtimeMs?: number } = {}): Promise<void> {
    if (!options.keepState) {
      const running = this.queue.running
      if (running !== undefined) this.#muted.add(running.promptId)
      this.queue.interrupt()
    }
    this.dropSockets()
    await this.#stopListening()
    if (!options.keepState) {
      this.queue.reset()
      this.executor.clearCache()
    }
    if (options.downtimeMs) await sleep(options.downtimeMs)
    await this.listen(this.#port)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.queue.clear()
    this.queue.interrupt()
    this.dropSockets()
    this.#wss.close()
    await this.#stopListening()
    if (this.#ownDir) await rm(this.files.root, { recursive: true, force: true })
  }

  async #stopListening(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#http.close(() => resolve()))
    for (const socket of this.#connections) socket.destroy()
    this.#http.closeAllConnections()
    await closed
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const path = url.pathname.startsWith('/api/') ? url.pathname.slice(4) : url.pathname
      const method = req.method ?? 'GET'
      const fault = this.faults.takeHttp(method, path)
      if (fault?.kind === 'stall') return
      const body = await readBody(req)
      if (fault?.kind === 'echo-request') return send(res, echoRequest(req, body, fault.status ?? 502))
      if (fault?.kind === 'http-500') return send(res, internalError())
      if (fault?.kind === 'malformed-json') {
        return send(res, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"prompt_id": "' })
      }
      const reply = await route({ method, path, query: url.searchParams, contentType: req.headers['content-type'], body }, this.#routeContext)
      if (fault?.kind === 'drop-response') {
        req.socket.destroy()
        return
      }
      if (fault?.kind === 'slow') await sleep(fault.ms)
      send(res, reply)
    } catch (error) {
      send(res, error instanceof BodyTooLarge ? jsonReply({}, 413) : internalError())
    }
  }

  #onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== '/ws' && url.pathname !== '/api/ws') {
      socket.destroy()
      return
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const sid = url.searchParams.get('clientId') || randomUUID().replaceAll('-', '')
      const client: Client = { ws, previewMetadata: false }
      this.#clients.set(sid, client)
      ws.on('close', () => {
        if (this.#clients.get(sid) === client) this.#clients.delete(sid)
      })
      ws.on('error', () => ws.terminate())
      ws.on('message', (data, isBinary) => {
        if (isBinary) return
        try {
          const message = JSON.parse(String(data)) as { type?: unknown; data?: { supports_preview_metadata?: unknown } }
          if (message.type !== 'feature_flags') return
          client.previewMetadata = message.data?.supports_preview_metadata === true
          this.#deliver(client, 'feature_flags', { supports_preview_metadata: true, max_upload_size: 104857600, extension: { manager: { supports_v4: true } } })
        } catch {
          // Other client text is ignored, as the real server does.
        }
      })
      this.#deliver(client, 'status', { status: { exec_info: { queue_remaining: this.queue.remaining } }, sid })
      const running = this.queue.running
      if (running !== undefined && running.extraData['client_id'] === sid && this.#lastNode?.promptId === running.promptId) {
        this.#deliver(client, 'executing', { node: this.#lastNode.node })
      }
    })
  }

  readonly #routeContext: RouteContext = this.#makeRouteContext()

  #makeRouteContext(): RouteContext {
    const self = this
    return {
      get files() {
        return self.files
      },
      get queue() {
        return self.queue
      },
      get objectInfo() {
        return self.objectInfo
      },
      get models() {
        return self.models
      },
      get executor() {
        return self.executor
      },
      get version() {
        return self.version
      },
      get promptRequests() {
        return self.promptRequests
      },
      broadcastStatus: () => self.#broadcastStatus(),
      kick: () => void self.#work(),
    }
  }

  #executionHost(): ExecutionHost {
    return {
      isOutputNode: (classType) => this.objectInfo.isOutputNode(classType),
      files: this.files,
      models: this.models,
      queue: this.queue,
      faults: this.faults,
      timing: this.timing,
      previews: this.#previews,
      cache: this.#cache,
      metadata: this.#metadata,
      send: (type, data, clientId) => this.#send(type, data, clientId),
      sendStep: (progress, preview, clientId) => {
        if (this.#muted.has(String(progress['prompt_id']))) return
        for (const client of this.#targets(clientId, 'progress')) {
          if (preview !== undefined && client.previewMetadata) {
            sendBinary(client, previewWithMetadata(preview.image, preview.metadata))
            this.#deliver(client, 'progress', progress)
          } else {
            this.#deliver(client, 'progress', progress)
            if (preview !== undefined) sendBinary(client, legacyPreview(preview.image))
          }
        }
      },
    }
  }

  // One prompt at a time, lowest (number, prompt_id) first, as ComfyUI's prompt worker.
  async #work(): Promise<void> {
    if (this.#working) return
    this.#working = true
    try {
      for (let item = this.queue.take(); item !== undefined; item = this.queue.take()) {
        this.#broadcastStatus()
        const clientId = typeof item.extraData['client_id'] === 'string' ? item.extraData['client_id'] : undefined
        const record = await this.executor.run(item)
        if (this.#muted.delete(item.promptId)) continue
        this.queue.done(item, record)
        this.#broadcastStatus()
        this.#send('executing', { node: null, prompt_id: item.promptId }, clientId)
      }
    } finally {
      this.#working = false
    }
  }

  #broadcastStatus(): void {
    for (const client of this.#clients.values()) this.#deliver(client, 'status', { status: { exec_info: { queue_remaining: this.queue.remaining } } })
  }

  #send(type: string, data: Record<string, unknown>, clientId: string | undefined): void {
    const promptId = data['prompt_id']
    if (typeof promptId === 'string' && this.#muted.has(promptId)) return
    if (type === 'executing' && typeof data['node'] === 'string' && typeof promptId === 'string') this.#lastNode = { promptId, node: data['node'] }
    for (const client of this.#targets(clientId, type)) this.#deliver(client, type, data)
  }

  #targets(clientId: string | undefined, type: string): Client[] {
    if (clientId === undefined) return BROADCAST_WITHOUT_CLIENT.has(type) ? [...this.#clients.values()] : []
    const client = this.#clients.get(clientId)
    return client === undefined ? [] : [client]
  }

  #deliver(client: Client, type: string, data: unknown): void {
    if (client.ws.readyState !== client.ws.OPEN) return
    const fault = this.faults.takeMessage(type, data)
    if (fault?.kind === 'drop-socket') {
      client.ws.terminate()
      return
    }
    if (fault?.kind === 'drop-message') return
    if (fault?.kind === 'oversized-frame') client.ws.send(oversizedMessage(fault.bytes))
    if (fault?.kind === 'garbage') {
      client.ws.send('{"type": "status", "data": ')
      client.ws.send(pyDumps({ type: 'crystools.monitor', data: { cpu_utilization: 3.5 } }))
      sendBinary(client, Buffer.from([0, 0, 0, 99, 1, 2, 3]))
    }
    client.ws.send(pyDumps({ type, data }))
  }
}

/** Starts a test server on 127.0.0.1 and resolves once it accepts connections. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'comfy-dsl-test-server-')))
  const instance = new TestServer(dir, options.dir === undefined, options)
  await instance.listen(options.port ?? 0)
  return instance
}

class BodyTooLarge extends Error {}

const MAX_BODY = 100 * 1024 * 1024

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new BodyTooLarge()
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return
  const headers: Record<string, string | number> = { ...reply.headers, date: new Date().toUTCString() }
  if (reply.file !== undefined) {
    const file = reply.file
    stat(file).then(
      (info) => {
        headers['content-length'] = info.size
        res.writeHead(reply.status, headers)
        createReadStream(file).once('error', () => res.destroy()).pipe(res)
      },
      () => send(res, { status: 404, headers: {} }),
    )
    return
  }
  const body = reply.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body)
  headers['content-length'] = body.length
  res.writeHead(reply.status, headers)
  res.end(body)
}

function sendBinary(client: Client, frame: Buffer): void {
  if (client.ws.readyState === client.ws.OPEN) client.ws.send(frame)
}

function legacyPreview(image: Buffer): Buffer {
  const header = Buffer.alloc(8)
  header.writeUInt32BE(1, 0)
  header.writeUInt32BE(1, 4)
  return Buffer.concat([header, image])
}

function previewWithMetadata(image: Buffer, metadata: Record<string, unknown>): Buffer {
  const json = Buffer.from(pyDumps(metadata))
  const header = Buffer.alloc(8)
  header.writeUInt32BE(4, 0)
  header.writeUInt32BE(json.length, 4)
  return Buffer.concat([header, json, image])
}
