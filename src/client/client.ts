/**
 * `ComfyClient`: one undici dispatcher for HTTP, one WebSocket for events, jobs that complete exactly once
 * from their events or from `/history`, and polling whenever the socket is down or silent.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Dispatcher } from 'undici'
import type { DefSet } from '../defs/model.js'
import type { EditOptions, EditResult } from '../edit/edit.js'
import type { TemplateName } from '../templates/index.js'
import type { NodeHandle } from '../dsl/output.js'
import { InvalidArgumentError } from '../errors.js'
import type { JsonValue } from '../json/lossless.js'
import { compareDefs, type DefDrift } from './drift.js'
import { Endpoint } from './endpoint.js'
import {
  ClientClosedError,
  ComfyClientError,
  PromptRejectedError,
  RequestTimeoutError,
  ServerHttpError,
  ServerProtocolError,
  ServerUnreachableError,
  type NodeErrorEntry,
} from './errors.js'
import type { JobEventListener } from './events.js'
import type { Frame } from './frames.js'
import { preparePrompt, withImageInputs, type GraphInput, type ImageInputKey } from './graph.js'
import { Http } from './http.js'
import { Job, type JobHost, type WaitOptions } from './job.js'
import type { JobResults } from './outputs.js'
import type { HistoryEntry, QueueState, ServerError, ServerMessage, ServerNodeError } from './protocol.js'
import type { ComfyRunner } from './runner.js'
import { ComfySocket, type ReconnectOptions } from './socket.js'
import { uploadFile, type MaskUploadOptions, type UploadedImage, type UploadOptions, type UploadSource } from './upload.js'
import { LazyAgent } from './undici.js'

export interface ComfyClientOptions {
  /** `http(s)://host:port`, optionally with a path prefix such as `/api`; credentials in it become Basic auth. */
  readonly url: string | URL
  /** Sent with every request and the WebSocket upgrade (auth); never written to errors or logs. */
  readonly headers?: Readonly<Record<string, string>>
  /** undici dispatcher to share (default: an Agent owned by the client, closed by {@link ComfyClient.close}). */
  readonly dispatcher?: Dispatcher
  /** Per-request timeout in ms (headers and body), default 30 000. */
  readonly timeout?: number
  /** The WebSocket's and prompts' `client_id` (default: a random UUID). */
  readonly clientId?: string
  /** Ask for previews with node and prompt ids (binary type 4), default true. */
  readonly previewMetadata?: boolean
  readonly reconnect?: ReconnectOptions
  /** How often to poll `/queue` and `/history` while the socket is down (ms), default 1000. */
  readonly pollInterval?: number
  /** Poll when jobs are in flight and the socket has been silent this long (ms), default 15 000. */
  readonly stallTimeout?: number
  /** Fail in-flight jobs when neither socket nor HTTP has reached the server for this long (ms), default 60 000. */
  readonly offlineTimeout?: number
  /** How long `submit` waits for the socket before relying on polling (ms), default 10 000. */
  readonly connectTimeout?: number
  /** Retries of `POST /prompt` after a network failure; never re-sent once the server knows the id. Default 2. */
  readonly submitRetries?: number
  /** Definitions the graphs were built with: the client warns when the server's differ for the classes used. */
  readonly defs?: DefSet
}

export interface SubmitOptions {
  /** The prompt id (default: a random lowercase UUID); re-submitting with the same id never runs twice. */
  readonly promptId?: string
  /** Uploads each source and sets it as the `image` input of the node (DSL handle, node id or title). */
  readonly images?: ReadonlyMap<ImageInputKey, UploadSource> | Readonly<Record<string, UploadSource>>
  /** `extra_data` keys (`extra_pnginfo`, API keys of partner nodes...). */
  readonly extraData?: Readonly<Record<string, unknown>>
  /** `extra_data.preview_method`: ask the server for latent previews (`auto`) or none. */
  readonly previewMethod?: 'default' | 'none' | 'auto' | 'latent2rgb' | 'taesd'
  /** Jump the queue. */
  readonly front?: boolean
  /** Explicit priority (lower runs first). */
  readonly number?: number
  /** Run only these output nodes. */
  readonly partialExecutionTargets?: readonly string[]
  /** Definitions the graph was built with (overrides the client's) for drift warnings and completeness checks. */
  readonly defs?: DefSet
  /** Subscribed before the prompt is posted, so no event is missed. */
  readonly onEvent?: JobEventListener
  readonly signal?: AbortSignal
}

export interface RunOptions extends SubmitOptions, Pick<WaitOptions, 'timeout'> {}

/** Events of the client itself. */
export interface ClientEvents {
  /** Something ignored or retried that a developer may want to see (unknown frames, reconnects, polls). */
  debug: (message: string) => void
  /** Something the user should know (dropped outputs, definitions that differ from the server's). */
  warning: (message: string) => void
  /** The server's queue size (`status` messages). */
  status: (queueRemaining: number) => void
}

const ORPHANS_KEPT = 256

export class ComfyClient implements ComfyRunner {
  readonly endpoint: Endpoint
  readonly clientId: string
  readonly http: Http
  readonly #socket: ComfySocket
  readonly #ownDispatcher: LazyAgent | undefined
  readonly #jobs = new Map<string, Job>()
  readonly #listeners: { [K in keyof ClientEvents]: Set<ClientEvents[K]> } = { debug: new Set(), warning: new Set(), status: new Set() }
  readonly #options: ComfyClientOptions
  #runningJob: Job | undefined
  #orphans: { promptId: string; message: ServerMessage }[] = []
  #pollTimer: NodeJS.Timeout | undefined
  #polling = false
  #stallTimer: NodeJS.Timeout | undefined
  #lastFrameAt = 0
  #lastContactAt = Date.now()
  #serverDefs: Promise<DefSet> | undefined
  #closed = false

  constructor(options: ComfyClientOptions) {
    this.#options = options
    this.endpoint = new Endpoint(options.url)
    this.clientId = options.clientId ?? randomUUID()
    const headers: Record<string, string> = { ...options.headers }
    if (this.endpoint.basicAuth !== undefined && !hasHeader(headers, 'authorization')) headers['authorization'] = this.endpoint.basicAuth
    this.#ownDispatcher = options.dispatcher === undefined ? new LazyAgent({ connections: 16, pipelining: 1 }) : undefined
    const dispatcher = options.dispatcher ?? (this.#ownDispatcher as LazyAgent)
    this.http = new Http(this.endpoint, dispatcher, headers, options.timeout ?? 30_000)
    this.#socket = new ComfySocket({
      endpoint: this.endpoint,
      dispatcher,
      headers,
      clientId: this.clientId,
      previewMetadata: options.previewMetadata ?? true,
      reconnect: options.reconnect ?? {},
      onFrame: (frame) => this.#onFrame(frame),
      onReady: (reconnected) => this.#onReady(reconnected),
      onDown: (reason) => this.#onDown(reason),
      onDebug: (message) => this.#emit('debug', message),
    })
  }

  /** Listens to client events; returns the unsubscribe function. */
  on<K extends keyof ClientEvents>(event: K, listener: ClientEvents[K]): () => void {
    this.#listeners[event].add(listener)
    return () => this.#listeners[event].delete(listener)
  }

  /** Opens the WebSocket and resolves when the server has registered it. */
  async connect(): Promise<void> {
    this.#assertOpen()
    await this.#socket.whenReady()
  }

  /** True while the WebSocket is open and registered. */
  get connected(): boolean {
    return this.#socket.ready
  }

  /** Closes the socket, stops polling, rejects jobs still waited for with {@link ClientClosedError}. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#socket.close()
    clearTimeout(this.#pollTimer)
    clearInterval(this.#stallTimer)
    for (const job of [...this.#jobs.values()]) job.abandon(new ClientClosedError())
    this.#jobs.clear()
    await this.#ownDispatcher?.close()
  }

  /** Uploads an image to the server's input folder (name from the content hash unless given). */
  upload(source: UploadSource, options: UploadOptions = {}): Promise<UploadedImage> {
    return uploadFile(this.http, '/upload/image', source, options)
  }

  /** Uploads a mask: the server copies `originalRef` and replaces its alpha with the mask's. */
  uploadMask(source: UploadSource, options: MaskUploadOptions): Promise<UploadedImage> {
    const ref = { filename: options.originalRef.filename, subfolder: options.originalRef.subfolder ?? '', type: options.originalRef.type ?? 'input' }
    return uploadFile(this.http, '/upload/mask', source, options, { original_ref: JSON.stringify(ref) })
  }

  /**
   * Posts a graph and returns its job handle once the server accepted it. The socket is ready (or known to be
   * unavailable) before the POST; images upload while it connects; a 400 throws {@link PromptRejectedError}
   * whose node errors name the DSL nodes.
   */
  async submit(graph: GraphInput, options: SubmitOptions = {}): Promise<Job> {
    this.#assertOpen()
    const prepared = preparePrompt(graph)
    const [, names] = await Promise.all([this.#socketOrPolling(), this.#uploadImages(options)])
    const prompt = withImageInputs(prepared, names)
    const promptId = options.promptId ?? randomUUID()
    if (this.#jobs.has(promptId)) throw new InvalidArgumentError(`prompt id ${promptId} is already being tracked by this client`)
    const defs = options.defs ?? this.#options.defs
    const expected = defs === undefined ? undefined : outputNodeIds(prompt, defs)
    const job = new Job(this.#jobHost, promptId, prepared.nodes, expected, !this.#socket.ready)
    if (options.onEvent) job.on(options.onEvent)
    this.#jobs.set(promptId, job)
    this.#watchStalls()
    const extraData = { ...options.extraData, ...(options.previewMethod === undefined ? {} : { preview_method: options.previewMethod }) }
    const body: Record<string, unknown> = { prompt, client_id: this.clientId, prompt_id: promptId }
    if (Object.keys(extraData).length > 0) body['extra_data'] = extraData
    if (options.front !== undefined) body['front'] = options.front
    if (options.number !== undefined) body['number'] = options.number
    if (options.partialExecutionTargets !== undefined) body['partial_execution_targets'] = options.partialExecutionTargets
    let answer: { number: number | undefined; promptId: string; nodeErrors: NodeErrorEntry[] }
    try {
      // Not aborted mid-way: the server may take the prompt anyway. An abort is honoured by cancelling the job.
      answer = await this.#postPrompt(body, promptId, prepared.nodes)
    } catch (error) {
      this.#jobs.delete(promptId)
      job.abandon(error instanceof ComfyClientError ? error : new ClientClosedError())
      throw error
    }
    if (answer.promptId !== promptId) this.#rekey(job, answer.promptId)
    job.accepted(answer.number, answer.nodeErrors)
    for (const warning of job.warnings) this.#emit('warning', `job ${job.id}: ${warning}`)
    if (defs !== undefined) this.#warnOnDrift(job, defs, prompt)
    if (!this.#socket.ready) this.pollSoon()
    return job
  }

  /** Submit, wait and return the results; on timeout or abort the job is cancelled on the server. */
  async run(graph: GraphInput, options: RunOptions = {}): Promise<JobResults> {
    const job = await this.submit(graph, options)
    return job.wait({
      cancelOnTimeout: true,
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })
  }

  /**
   * The edit flow: validates and prepares `image`, uploads it, fills the template (img2img_default,
   * inpaint_masked with `mask`, controlnet_canny), runs it, writes the result to `out` and compares it with
   * the input. Loaded on first use (it brings sharp and the templates).
   */
  async edit<T extends TemplateName = TemplateName>(options: EditOptions<T>): Promise<EditResult> {
    const { edit } = await import('../edit/edit.js')
    return edit(this, options)
  }

  /** A handle on a job submitted elsewhere (another process, an earlier run): completes from `/history`. */
  job(promptId: string): Job {
    const known = this.#jobs.get(promptId)
    if (known) return known
    this.#assertOpen()
    const job = new Job(this.#jobHost, promptId, new Map(), undefined, true)
    job.accepted(undefined, [])
    this.#jobs.set(promptId, job)
    this.#watchStalls()
    void job.confirmFromHistory()
    return job
  }

  /** `GET /queue`. */
  async queue(): Promise<QueueState> {
    const { value } = await this.http.json('GET', '/queue')
    const state = value as Partial<QueueState> | null
    if (!Array.isArray(state?.queue_running) || !Array.isArray(state.queue_pending)) {
      throw new ServerProtocolError(this.endpoint.describe('/queue'), 'expected {queue_running: [], queue_pending: []}')
    }
    this.#lastContactAt = Date.now()
    return state as QueueState
  }

  /** `GET /history/{id}`: the entry, or `undefined` while the server has none. */
  async history(promptId: string): Promise<HistoryEntry | undefined> {
    const path = `/history/${encodeURIComponent(promptId)}`
    const { value } = await this.http.json('GET', path)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ServerProtocolError(this.endpoint.describe(path), 'expected an object of history entries')
    }
    this.#lastContactAt = Date.now()
    const entry = (value as Record<string, unknown>)[promptId]
    if (entry === undefined) return undefined
    if (typeof entry !== 'object' || entry === null || typeof (entry as { outputs?: unknown }).outputs !== 'object') {
      throw new ServerProtocolError(this.endpoint.describe(path), 'history entry without "outputs"')
    }
    return entry as HistoryEntry
  }

  /** `GET /history`: the last `maxItems` entries (all when omitted), in completion order. */
  async histories(options: { maxItems?: number; offset?: number } = {}): Promise<Record<string, HistoryEntry>> {
    const { value } = await this.http.json('GET', '/history', { query: { max_items: options.maxItems, offset: options.offset } })
    return value as unknown as Record<string, HistoryEntry>
  }

  /** Deletes history entries (`POST /history {delete}`). */
  deleteHistory(promptIds: readonly string[]): Promise<void> {
    return this.http.empty('POST', '/history', { json: { delete: promptIds } })
  }

  clearHistory(): Promise<void> {
    return this.http.empty('POST', '/history', { json: { clear: true } })
  }

  /** Removes pending prompts (running ones are not affected: see {@link interrupt}). */
  deleteFromQueue(promptIds: readonly string[]): Promise<void> {
    return this.http.empty('POST', '/queue', { json: { delete: promptIds } })
  }

  /** Drops every pending prompt. */
  clearQueue(): Promise<void> {
    return this.http.empty('POST', '/queue', { json: { clear: true } })
  }

  /** Interrupts the running prompt; with an id, only if that prompt is the one running. */
  interrupt(promptId?: string): Promise<void> {
    return this.http.empty('POST', '/interrupt', { json: promptId === undefined ? {} : { prompt_id: promptId } })
  }

  /** Raw `/object_info` (or one class), numbers above 2^53 kept exact. */
  async objectInfo(classType?: string): Promise<Record<string, JsonValue>> {
    const path = classType === undefined ? '/object_info' : `/object_info/${encodeURIComponent(classType)}`
    const { value } = await this.http.json('GET', path)
    return value as Record<string, JsonValue>
  }

  /** The server's node definitions as the project's model (fetched once per client). */
  defs(): Promise<DefSet> {
    // The object_info parser (zod) loads only when definitions are asked for, not with the client:
    this.#serverDefs ??= Promise.all([this.objectInfo(), import('../defs/normalize.js')]).then(
      ([raw, { normalizeObjectInfo }]) => normalizeObjectInfo(raw, { onError: 'skip' }).defs,
    )
    this.#serverDefs.catch(() => (this.#serverDefs = undefined))
    return this.#serverDefs
  }

  /** Where the definitions a graph was built with differ from the server's, for the given classes (all by default). */
  async checkDefs(defs: DefSet, classTypes: Iterable<string> = defs.classes.keys()): Promise<DefDrift[]> {
    return compareDefs(defs, await this.defs(), classTypes)
  }

  /** `GET /system_stats`. */
  async systemStats(): Promise<Record<string, JsonValue>> {
    return (await this.http.json('GET', '/system_stats')).value as Record<string, JsonValue>
  }

  /** `GET /models` (folder names) or `GET /models/{folder}` (file names). */
  async models(folder?: string): Promise<string[]> {
    const path = folder === undefined ? '/models' : `/models/${encodeURIComponent(folder)}`
    const { value } = await this.http.json('GET', path)
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw new ServerProtocolError(this.endpoint.describe(path), 'expected a list of names')
    }
    return value as string[]
  }

  /** @internal Polls soon (an event was missed and history had nothing yet). */
  pollSoon(): void {
    this.#schedulePoll(Math.min(this.#options.pollInterval ?? 1000, 250))
  }

  readonly #jobHost: JobHost = this.#makeJobHost()

  #makeJobHost(): JobHost {
    const client = this
    return {
    get http(): Http {
      return client.http
    },
    history: (id) => this.history(id),
    queueIds: async () => {
      const queue = await this.queue()
      return { running: new Set(queue.queue_running.map((i) => i[1])), pending: new Set(queue.queue_pending.map((i) => i[1])) }
    },
    finished: (job) => {
      if (this.#jobs.get(job.id) === job) this.#jobs.delete(job.id)
      if (this.#runningJob === job) this.#runningJob = undefined
      if (this.#jobs.size === 0) {
        clearInterval(this.#stallTimer)
        this.#stallTimer = undefined
      }
    },
    pollSoon: () => this.pollSoon(),
    debug: (message) => this.#emit('debug', message),
    }
  }

  async #socketOrPolling(): Promise<void> {
    if (this.#socket.ready) return
    const timeout = this.#options.connectTimeout ?? 10_000
    try {
      await Promise.race([
        this.#socket.whenReady(),
        sleep(timeout, undefined, { ref: false }).then(() => {
          throw new Error(`no WebSocket after ${timeout} ms`)
        }),
      ])
    } catch (error) {
      this.#emit('debug', `continuing without the WebSocket (polling instead): ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  async #uploadImages(options: SubmitOptions): Promise<Map<ImageInputKey, string>> {
    const names = new Map<ImageInputKey, string>()
    const images = options.images
    if (images === undefined) return names
    const entries: [ImageInputKey, UploadSource][] = images instanceof Map ? [...images] : Object.entries(images)
    await Promise.all(
      entries.map(async ([key, source]) => {
        const uploaded = await this.upload(source, options.signal === undefined ? {} : { signal: options.signal })
        names.set(key, uploaded.ref)
      }),
    )
    return names
  }

  async #postPrompt(
    body: Record<string, unknown>,
    promptId: string,
    nodes: ReadonlyMap<string, NodeHandle>,
  ): Promise<{ number: number | undefined; promptId: string; nodeErrors: NodeErrorEntry[] }> {
    const retries = this.#options.submitRetries ?? 2
    for (let attempt = 0; ; attempt++) {
      let response
      try {
        response = await this.http.json('POST', '/prompt', { json: body, acceptStatus: [400] })
      } catch (error) {
        if (!isTransient(error) || attempt >= retries) throw error
        // The server may have queued it before the connection broke: never post it twice.
        if (await this.#serverKnows(promptId)) return { number: undefined, promptId, nodeErrors: [] }
        this.#emit('debug', `POST /prompt failed (${String(error)}); retrying with the same prompt id`)
        await sleep(100 * 2 ** attempt)
        continue
      }
      this.#lastContactAt = Date.now()
      const where = this.endpoint.describe('/prompt')
      const value = response.value as Record<string, unknown> | null
      if (typeof value !== 'object' || value === null) throw new ServerProtocolError(where, 'expected a JSON object')
      const nodeErrors = mapNodeErrors(value['node_errors'], nodes)
      if (response.status === 400) {
        const error = value['error']
        if (typeof error !== 'object' || error === null) throw new ServerProtocolError(where, 'HTTP 400 without an "error" object')
        throw new PromptRejectedError(normalizeServerError(error), nodeErrors)
      }
      const id = typeof value['prompt_id'] === 'string' ? value['prompt_id'] : promptId
      const number = typeof value['number'] === 'number' ? value['number'] : undefined
      return { number, promptId: id, nodeErrors }
    }
  }

  async #serverKnows(promptId: string): Promise<boolean> {
    const job = this.#jobs.get(promptId)
    if (job !== undefined && job.hasEvents) return true
    try {
      const { running, pending } = await this.#jobHost.queueIds()
      if (running.has(promptId) || pending.has(promptId)) return true
      return (await this.history(promptId)) !== undefined
    } catch {
      return false
    }
  }

  #rekey(job: Job, serverId: string): void {
    this.#jobs.delete(job.id)
    job.rekey(serverId)
    job.markGap()
    this.#jobs.set(serverId, job)
    const replay = this.#orphans.filter((o) => o.promptId === serverId)
    this.#orphans = this.#orphans.filter((o) => o.promptId !== serverId)
    for (const { message } of replay) this.#dispatch(message)
  }

  #onFrame(frame: Frame): void {
    this.#lastFrameAt = Date.now()
    this.#lastContactAt = this.#lastFrameAt
    switch (frame.kind) {
      case 'message':
        this.#dispatch(frame.message)
        return
      case 'preview': {
        const promptId = frame.metadata?.prompt_id
        const job = promptId === undefined ? this.#runningJob : this.#jobs.get(promptId)
        const nodeId = frame.metadata?.node_id
        job?.handleEvent({ type: 'preview', nodeId, mime: frame.mime, image: frame.image, metadata: frame.metadata })
        return
      }
      case 'text':
        this.#runningJob?.handleEvent({ type: 'text', nodeId: frame.nodeId, text: frame.text })
        return
      default:
        return
    }
  }

  #dispatch(message: ServerMessage): void {
    if (message.unknown) {
      this.#emit('debug', `ignored WebSocket message of type "${message.type}"`)
      return
    }
    if (message.type === 'status') {
      const remaining = message.data.status?.exec_info?.queue_remaining
      if (typeof remaining === 'number') this.#emit('status', remaining)
      return
    }
    const promptId = (message.data as { prompt_id?: unknown }).prompt_id
    if (typeof promptId !== 'string') {
      // `progress` from old servers has no prompt id; it belongs to the prompt running for this client:
      if (message.type === 'progress') this.#runningJob?.handleMessage(message)
      return
    }
    const job = this.#jobs.get(promptId)
    if (job === undefined) {
      this.#orphans.push({ promptId, message })
      if (this.#orphans.length > ORPHANS_KEPT) this.#orphans.shift()
      return
    }
    if (message.type === 'execution_start') this.#runningJob = job
    job.handleMessage(message)
    if (message.type === 'executing' && message.data.node === null && this.#runningJob === job) this.#runningJob = undefined
  }

  #onReady(reconnected: boolean): void {
    if (!reconnected) return
    this.#emit('debug', 'WebSocket reconnected; checking jobs that may have ended meanwhile')
    void this.#pollOnce()
  }

  #onDown(reason: string): void {
    this.#emit('debug', `${reason}; polling until it reconnects`)
    for (const job of this.#jobs.values()) job.markGap()
    this.#runningJob = undefined
    this.#schedulePoll(this.#options.pollInterval ?? 1000)
  }

  #schedulePoll(delay: number): void {
    if (this.#closed || this.#jobs.size === 0) return
    if (this.#pollTimer !== undefined) return
    this.#pollTimer = setTimeout(() => {
      this.#pollTimer = undefined
      void this.#pollOnce().finally(() => {
        if (!this.#socket.ready) this.#schedulePoll(this.#options.pollInterval ?? 1000)
      })
    }, delay)
  }

  // One look at the server for every accepted job: queue first, then history for those no longer queued.
  async #pollOnce(): Promise<void> {
    if (this.#polling || this.#closed) return
    this.#polling = true
    try {
      const jobs = [...this.#jobs.values()].filter((j) => j.isAccepted && !j.done)
      if (jobs.length === 0) return
      const { running, pending } = await this.#jobHost.queueIds()
      await Promise.all(
        jobs.map(async (job) => {
          if (running.has(job.id) || pending.has(job.id)) {
            job.observeQueued(running.has(job.id))
            return
          }
          const entry = await this.history(job.id)
          if (entry !== undefined) job.settleFromHistory(entry)
          else job.observeMissing()
        }),
      )
    } catch (error) {
      this.#emit('debug', `poll failed: ${error instanceof Error ? error.message : String(error)}`)
      const offline = this.#options.offlineTimeout ?? 60_000
      if (Date.now() - this.#lastContactAt > offline && (error instanceof ServerUnreachableError || error instanceof RequestTimeoutError || error instanceof ServerHttpError || error instanceof ServerProtocolError)) {
        for (const job of [...this.#jobs.values()]) job.abandon(error)
      }
    } finally {
      this.#polling = false
    }
  }

  // While jobs are in flight: a silent socket for `stallTimeout` triggers a poll (a zombie socket, a stalled server).
  #watchStalls(): void {
    if (this.#stallTimer !== undefined) return
    const stall = this.#options.stallTimeout ?? 15_000
    this.#lastFrameAt = Date.now()
    this.#stallTimer = setInterval(() => {
      if (this.#jobs.size === 0) return
      if (Date.now() - this.#lastFrameAt >= stall) {
        this.#lastFrameAt = Date.now()
        this.#emit('debug', `no WebSocket message for ${stall} ms with jobs in flight; polling`)
        void this.#pollOnce()
      }
    }, Math.max(50, stall / 4))
  }

  #warnOnDrift(job: Job, defs: DefSet, prompt: Record<string, { class_type: string }>): void {
    const classes = Object.values(prompt).map((n) => n.class_type)
    this.checkDefs(defs, classes).then(
      (drift) => {
        for (const d of drift) {
          job.warnings.push(d.message)
          this.#emit('warning', `server definitions differ: ${d.message}`)
        }
      },
      (error: unknown) => this.#emit('debug', `could not compare definitions with the server: ${String(error)}`),
    )
  }

  #emit<K extends keyof ClientEvents>(event: K, ...args: Parameters<ClientEvents[K]>): void {
    for (const listener of this.#listeners[event]) {
      try {
        ;(listener as (...a: Parameters<ClientEvents[K]>) => void)(...args)
      } catch {
        // A throwing listener must not break the client.
      }
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClientClosedError()
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name)
}

function isTransient(error: unknown): boolean {
  if (error instanceof ServerUnreachableError || error instanceof RequestTimeoutError) return true
  return error instanceof ServerHttpError && [502, 503, 504].includes(error.status)
}

function normalizeServerError(raw: object): ServerError {
  const e = raw as Partial<Record<keyof ServerError, unknown>>
  return {
    type: typeof e.type === 'string' ? e.type : 'unknown',
    message: typeof e.message === 'string' ? e.message : '',
    details: typeof e.details === 'string' ? e.details : '',
    extra_info: typeof e.extra_info === 'object' && e.extra_info !== null ? (e.extra_info as Record<string, unknown>) : {},
  }
}

function mapNodeErrors(raw: unknown, nodes: ReadonlyMap<string, NodeHandle>): NodeErrorEntry[] {
  if (typeof raw !== 'object' || raw === null) return []
  return Object.entries(raw as Record<string, Partial<ServerNodeError>>).map(([nodeId, entry]) => ({
    nodeId,
    node: nodes.get(nodeId),
    class_type: typeof entry?.class_type === 'string' ? entry.class_type : '',
    errors: Array.isArray(entry?.errors) ? entry.errors.map((e) => normalizeServerError(e as object)) : [],
    dependent_outputs: Array.isArray(entry?.dependent_outputs) ? entry.dependent_outputs.map(String) : [],
  }))
}

function outputNodeIds(prompt: Record<string, { class_type: string }>, defs: DefSet): Set<string> {
  const ids = new Set<string>()
  for (const [id, node] of Object.entries(prompt)) if (defs.classes.get(node.class_type)?.outputNode) ids.add(id)
  return ids
}
