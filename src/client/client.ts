/**
 * `ComfyClient`: one undici dispatcher for HTTP, one WebSocket for events, jobs that complete exactly once
 * from their events or from `/history`, and polling whenever the socket is down or silent.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { inspect } from 'node:util'
import type { Dispatcher } from 'undici'
import type { DefSet } from '../defs/model.js'
import type { ApiPrompt } from '../dsl/prompt.js'
import type { EditOptions, EditResult } from '../edit/edit.js'
import type { TemplateName } from '../templates/index.js'
import type { NodeHandle } from '../dsl/output.js'
import { InvalidArgumentError } from '../errors.js'
import type { JsonValue } from '../json/lossless.js'
import { compareDefs, type DefDrift } from './drift.js'
import { BackgroundTasks } from './background-tasks.js'
import { Endpoint } from './endpoint.js'
import {
  ClientClosedError,
  ComfyClientError,
  PromptRejectedError,
  JobTimeoutError,
  RequestTimeoutError,
  ServerHttpError,
  ServerProtocolError,
  ServerUnreachableError,
  SubmitUnconfirmedError,
  type NodeErrorEntry,
} from './errors.js'
import type { JobEventListener } from './events.js'
import type { Frame } from './frames.js'
import { preparePrompt, withImageInputs, type GraphInput, type ImageInputKey } from './graph.js'
import { Http, type RequestOptions } from './http.js'
import { Job, type JobHost, type WaitOptions } from './job.js'
import type { JobResults } from './outputs.js'
import type { HistoryEntry, QueueState, ServerError, ServerMessage, ServerNodeError } from './protocol.js'
import type { ComfyRunner } from './runner.js'
import { ComfySocket, type ReconnectOptions } from './socket.js'
import { LazyAgent } from './undici.js'
import { nodeCrypto } from './node-crypto.js'
import { uploadFile, type MaskUploadOptions, type UploadedImage, type UploadOptions, type UploadSource } from './upload.js'

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
  /** Fail a job whose state could not be learned (socket down, `/queue` and `/history` failing or malformed) for this long (ms), default 60 000. */
  readonly offlineTimeout?: number
  /** Fail in-flight jobs when the server has refused every connection for this long (it died), in ms, default 5000. */
  readonly unreachableTimeout?: number
  /**
   * How long `submit` may take when the answer to `POST /prompt` is lost and the server must be asked whether it
   * took the prompt (ms), default 60 000; then {@link SubmitUnconfirmedError}. `run`'s `timeout` replaces it.
   */
  readonly submitTimeout?: number
  /** Bound of the cancel requests sent in the background after a timeout or abort (ms), default 5000. */
  readonly cancelTimeout?: number
  /**
   * Largest WebSocket message accepted (bytes), default 16 MiB; a larger one drops the socket with
   * {@link MessageTooLargeError} (a `warning`) and the client polls. With a `dispatcher` of the caller's, that
   * dispatcher's own limit (`webSocket.maxPayloadSize`) applies instead.
   */
  readonly maxMessageSize?: number
  /** How long `submit` waits for the socket before relying on polling (ms), default 10 000. */
  readonly connectTimeout?: number
  /** Retries of `POST /prompt` after a failure; re-sent only when the server is known not to have the id. Default 2. */
  readonly submitRetries?: number
  /** Definitions the graphs were built with: the client warns when the server's differ for the classes used. */
  readonly defs?: DefSet
}

export interface SubmitOptions {
  /** Give up submitting after this many ms (connecting, uploads, the POST and learning its fate); default `submitTimeout`. */
  readonly timeout?: number
  /** The prompt id (default: a random lowercase UUID); re-submitting with the same id never runs twice. */
  readonly promptId?: string
  /** Uploads each source and sets it as the `image` input of the node (DSL handle, node id or title). */
  readonly images?: ReadonlyMap<ImageInputKey, UploadSource> | Readonly<Record<string, UploadSource>>
  /** `extra_data` keys (`extra_pnginfo`, API keys of partner nodes...). */
  readonly extraData?: Readonly<Record<string, unknown>>
  /**
   * The UI workflow to send in `extra_data.extra_pnginfo.workflow`, as the editor does: the server writes it into the
   * PNGs it saves, and dragging one into ComfyUI opens the graph. `true` builds it from the prompt sent (laid out by
   * `apiToWorkflow`, with the definitions given here, the client's, or the server's); an object is sent as it is.
   */
  readonly workflow?: true | Readonly<Record<string, unknown>>
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

/** `timeout` covers the whole run: submitting, waiting and nothing more (the cancel runs in the background). */
export interface RunOptions extends SubmitOptions, Pick<WaitOptions, 'timeout'> {}

/** What the server knows of a prompt id: `unknown` when it is neither queued, running nor in its history. */
export type PromptFate = 'queued' | 'running' | 'done' | 'unknown'

/** Bounds of one look at the server. */
export interface LookupOptions {
  readonly signal?: AbortSignal
  /** Epoch ms by which the look must be done (each request is bounded by it). */
  readonly deadline?: number
}

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
const ABANDONED_KEPT = 256
// Requests that certainly never reached the server (no connection was made): safe to post again.
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])

export class ComfyClient implements ComfyRunner {
  readonly endpoint: Endpoint
  readonly clientId: string
  readonly http: Http
  readonly #socket: ComfySocket
  // Made on first use: undici loads with the first request or socket, not with the client (undici.ts).
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
  #unreachableSince: number | undefined
  // Prompt ids given up on while their fate was unknown: interrupted if they ever start.
  #abandoned: string[] = []
  // Bounded cleanups (cancels, deletes) still in flight: `close` waits for them.
  readonly #background = new BackgroundTasks()
  #serverDefs: Promise<DefSet> | undefined
  #closed = false

  constructor(options: ComfyClientOptions) {
    this.#options = options
    this.endpoint = new Endpoint(options.url)
    this.clientId = options.clientId ?? nodeCrypto().randomUUID()
    const headers: Record<string, string> = { ...options.headers }
    const basic = this.endpoint.authorization()
    if (basic !== undefined && !hasHeader(headers, 'authorization')) headers['authorization'] = basic
    const maxMessageSize = options.maxMessageSize ?? 16 * 1024 * 1024
    this.#ownDispatcher = options.dispatcher === undefined ? new LazyAgent(({ Agent }) => new Agent({ connections: 16, pipelining: 1 })) : undefined
    const dispatcher = options.dispatcher ?? (this.#ownDispatcher as LazyAgent)
    this.http = new Http(this.endpoint, dispatcher, headers, options.timeout ?? 30_000)
    this.#socket = new ComfySocket({
      endpoint: this.endpoint,
      // The caller's dispatcher carries the socket too (their proxy, TLS); the client's own uses `ws` (socket-transport.ts):
      dispatcher: options.dispatcher,
      headers,
      clientId: this.clientId,
      previewMetadata: options.previewMetadata ?? true,
      maxMessageSize,
      reconnect: options.reconnect ?? {},
      onFrame: (frame) => this.#onFrame(frame),
      onReady: (reconnected) => this.#onReady(reconnected),
      onDown: (reason) => this.#onDown(reason),
      onDebug: (message) => this.#emit('debug', message),
      onWarning: (message) => this.#emit('warning', message),
    })
  }

  toJSON(): { url: string; clientId: string } {
    return { url: this.endpoint.display, clientId: this.clientId }
  }

  // console.log(client) shows where it points, never its headers or credentials:
  [inspect.custom](): string {
    return `ComfyClient <${this.endpoint.display}> { clientId: '${this.clientId}', connected: ${this.connected}, jobs: ${this.#jobs.size} }`
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
    await this.#background.settled()
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
  submit(graph: GraphInput, options: SubmitOptions = {}): Promise<Job> {
    const timeout = options.timeout ?? this.#options.submitTimeout ?? 60_000
    return this.#submit(graph, options, Date.now() + timeout, timeout)
  }

  async #submit(graph: GraphInput, options: SubmitOptions, deadline: number, timeout: number): Promise<Job> {
    this.#assertOpen()
    const prepared = preparePrompt(graph)
    const promptId = options.promptId ?? nodeCrypto().randomUUID()
    // Nothing to wait for when the socket is up and no image is to be uploaded (every job of a running client):
    const names =
      this.#socket.ready && options.images === undefined
        ? new Map<ImageInputKey, string>()
        : (await this.#beforeDeadline(Promise.all([this.#socketOrPolling(deadline), this.#uploadImages(options, deadline)]), deadline, promptId, timeout))[1]
    const prompt = withImageInputs(prepared, names)
    if (this.#jobs.has(promptId)) throw new InvalidArgumentError(`prompt id ${promptId} is already being tracked by this client`)
    const defs = options.defs ?? this.#options.defs
    const expected = defs === undefined ? undefined : outputNodeIds(prompt, defs)
    const job = new Job(this.#jobHost, promptId, prepared.nodes, expected, !this.#socket.ready)
    if (options.onEvent) job.on(options.onEvent)
    this.#jobs.set(promptId, job)
    this.#watchStalls()
    const extraData: Record<string, unknown> = { ...options.extraData, ...(options.previewMethod === undefined ? {} : { preview_method: options.previewMethod }) }
    if (options.workflow !== undefined) {
      const workflow = options.workflow === true ? await this.#workflowOf(prompt, defs) : options.workflow
      const pnginfo = extraData['extra_pnginfo']
      if (workflow !== undefined) extraData['extra_pnginfo'] = { ...(typeof pnginfo === 'object' && pnginfo !== null ? pnginfo : {}), workflow }
    }
    const body: Record<string, unknown> = { prompt, client_id: this.clientId, prompt_id: promptId }
    if (Object.keys(extraData).length > 0) body['extra_data'] = extraData
    if (options.front !== undefined) body['front'] = options.front
    if (options.number !== undefined) body['number'] = options.number
    if (options.partialExecutionTargets !== undefined) body['partial_execution_targets'] = options.partialExecutionTargets
    let answer: { number: number | undefined; promptId: string; nodeErrors: NodeErrorEntry[] }
    try {
      // Not aborted mid-way: the server may take the prompt anyway. An abort is honoured by cancelling the job.
      answer = await this.#postPrompt(body, promptId, prepared.nodes, deadline, timeout)
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
    const { timeout } = options
    const submitTimeout = timeout ?? this.#options.submitTimeout ?? 60_000
    const deadline = Date.now() + submitTimeout
    const job = await this.#submit(graph, options, deadline, submitTimeout)
    return job.wait({
      cancelOnTimeout: true,
      ...(timeout === undefined ? {} : { timeout, deadline }),
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

  // The workflow module (layout, editor widget rules) loads only when a workflow is asked for:
  // A prompt the workflow cannot be built for (a link to a missing node) is still sent, for the server to judge:
  async #workflowOf(prompt: ApiPrompt, defs: DefSet | undefined): Promise<Record<string, unknown> | undefined> {
    try {
      const [{ apiToWorkflow }, known] = await Promise.all([import('../workflow/from-api.js'), defs ?? this.defs()])
      return apiToWorkflow(prompt, known) as unknown as Record<string, unknown>
    } catch (error) {
      this.#emit('warning', `no UI workflow sent with the prompt: ${error instanceof Error ? error.message : String(error)}`)
      return undefined
    }
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

  /** `GET /queue` (every item checked: `[number, prompt_id, ...]`). */
  async queue(options: LookupOptions = {}): Promise<QueueState> {
    const { value } = await this.http.json('GET', '/queue', requestBounds(options))
    const fail = (reason: string): never => {
      throw new ServerProtocolError(this.endpoint.describe('/queue'), reason)
    }
    const state = value as Partial<QueueState> | null
    if (typeof state !== 'object' || state === null || !Array.isArray(state.queue_running) || !Array.isArray(state.queue_pending)) {
      fail('expected {queue_running: [], queue_pending: []}')
    }
    for (const key of ['queue_running', 'queue_pending'] as const) {
      for (const [i, item] of (state as QueueState)[key].entries()) {
        if (!Array.isArray(item) || typeof item[1] !== 'string') fail(`${key}[${i}] is not [number, prompt_id, ...]`)
      }
    }
    this.#reached()
    return state as QueueState
  }

  /** `GET /history/{id}`: the entry, or `undefined` while the server has none. */
  async history(promptId: string, options: LookupOptions = {}): Promise<HistoryEntry | undefined> {
    const path = `/history/${encodeURIComponent(promptId)}`
    const { value } = await this.http.json('GET', path, requestBounds(options))
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ServerProtocolError(this.endpoint.describe(path), 'expected an object of history entries')
    }
    this.#reached()
    const entry = (value as Record<string, unknown>)[promptId]
    if (entry === undefined) return undefined
    const reason = historyEntryProblem(entry)
    if (reason !== undefined) throw new ServerProtocolError(this.endpoint.describe(path), `history entry of ${promptId}: ${reason}`)
    return entry as HistoryEntry
  }

  /**
   * What the server knows of a prompt id, from `/queue` then `/history` (in that order: a prompt leaves the
   * queue only once its history entry exists, so no finished job is missed in between). Throws when the server
   * cannot be asked; `unknown` means it answered and has no such prompt.
   */
  async lookup(promptId: string, options: LookupOptions = {}): Promise<PromptFate> {
    const queue = await this.queue(options)
    if (queue.queue_running.some((item) => item[1] === promptId)) return 'running'
    if (queue.queue_pending.some((item) => item[1] === promptId)) return 'queued'
    return (await this.history(promptId, options)) === undefined ? 'unknown' : 'done'
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
  deleteFromQueue(promptIds: readonly string[], options: LookupOptions = {}): Promise<void> {
    return this.http.empty('POST', '/queue', { json: { delete: promptIds }, ...requestBounds(options) })
  }

  /** Drops every pending prompt. */
  clearQueue(): Promise<void> {
    return this.http.empty('POST', '/queue', { json: { clear: true } })
  }

  /** Interrupts the running prompt; with an id, only if that prompt is the one running. */
  interrupt(promptId?: string, options: LookupOptions = {}): Promise<void> {
    return this.http.empty('POST', '/interrupt', { json: promptId === undefined ? {} : { prompt_id: promptId }, ...requestBounds(options) })
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
    history: (id, options) => this.history(id, options),
    queueIds: (options) => this.#queueIds(options),
    get cancelTimeout(): number {
      return client.#options.cancelTimeout ?? 5000
    },
    background: (task) => this.#background.add(task),
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
    warning: (message) => this.#emit('warning', message),
    }
  }

  async #queueIds(options: LookupOptions = {}): Promise<{ running: ReadonlySet<string>; pending: ReadonlySet<string> }> {
    const queue = await this.queue(options)
    return { running: new Set(queue.queue_running.map((i) => i[1])), pending: new Set(queue.queue_pending.map((i) => i[1])) }
  }

  async #socketOrPolling(deadline: number): Promise<void> {
    if (this.#socket.ready) return
    const timeout = Math.max(0, Math.min(this.#options.connectTimeout ?? 10_000, deadline - Date.now()))
    const timer = new AbortController()
    try {
      await Promise.race([
        this.#socket.whenReady(),
        sleep(timeout, undefined, { ref: false, signal: timer.signal }).then(() => {
          throw new Error(`no WebSocket after ${timeout} ms`)
        }),
      ])
    } catch (error) {
      this.#emit('debug', `continuing without the WebSocket (polling instead): ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      timer.abort()
    }
  }

  // Connecting and uploading happen before anything is posted: at the deadline there is nothing to clean up.
  // A plain timer, not an aborted `timers/promises` sleep: that built an AbortController and a DOMException per job.
  async #beforeDeadline<T>(work: Promise<T>, deadline: number, promptId: string, timeout: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    work.catch(() => {})
    try {
      return await Promise.race([
        work,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new JobTimeoutError(promptId, timeout, 'not submitted')), Math.max(0, deadline - Date.now()))
        }),
      ])
    } finally {
      clearTimeout(timer)
    }
  }

  async #uploadImages(options: SubmitOptions, deadline: number): Promise<Map<ImageInputKey, string>> {
    const names = new Map<ImageInputKey, string>()
    const images = options.images
    if (images === undefined) return names
    const entries: [ImageInputKey, UploadSource][] = images instanceof Map ? [...images] : Object.entries(images)
    await Promise.all(
      entries.map(async ([key, source]) => {
        const timeout = Math.max(1, Math.min(this.http.timeout, deadline - Date.now()))
        const uploaded = await this.upload(source, { timeout, ...(options.signal === undefined ? {} : { signal: options.signal }) })
        names.set(key, uploaded.ref)
      }),
    )
    return names
  }

  /**
   * Posts the prompt exactly once. When the answer is lost, the prompt is posted again only if the server is
   * known not to have its id (ComfyUI does not dedupe ids: a second POST runs it twice); while that is unknown,
   * the server is asked again until the deadline, then the id is deleted there in the background.
   */
  async #postPrompt(
    body: Record<string, unknown>,
    promptId: string,
    nodes: ReadonlyMap<string, NodeHandle>,
    deadline: number,
    timeout: number,
  ): Promise<{ number: number | undefined; promptId: string; nodeErrors: NodeErrorEntry[] }> {
    const retries = this.#options.submitRetries ?? 2
    for (let attempt = 0; ; attempt++) {
      let response
      try {
        response = await this.http.json('POST', '/prompt', { json: body, acceptStatus: [400], deadline })
      } catch (error) {
        if (!isTransient(error)) throw error
        const fate = neverSent(error) ? 'absent' : await this.#learnFate(promptId, deadline)
        if (fate === 'taken') return { number: undefined, promptId, nodeErrors: [] }
        if (fate === 'unknown') {
          this.#forget(promptId)
          throw new SubmitUnconfirmedError(promptId, timeout, { cause: error })
        }
        if (attempt >= retries || Date.now() >= deadline) throw error
        this.#emit('debug', `POST /prompt failed (${String(error)}); the server does not have ${promptId}: posting it again`)
        await sleep(Math.min(100 * 2 ** attempt, Math.max(0, deadline - Date.now())))
        continue
      }
      this.#reached()
      return this.#readPromptAnswer(response.status, response.value, promptId, nodes)
    }
  }

  // The answer to POST /prompt, checked for its shape; server text is redacted (a proxy may echo the request).
  #readPromptAnswer(status: number, raw: unknown, promptId: string, nodes: ReadonlyMap<string, NodeHandle>): { number: number | undefined; promptId: string; nodeErrors: NodeErrorEntry[] } {
    const where = this.endpoint.describe('/prompt')
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ServerProtocolError(where, `HTTP ${status}: expected a JSON object, received ${describeJson(raw)}`)
    const value = this.http.redactor.redactValue(raw as Record<string, unknown>)
    const nodeErrors = mapNodeErrors(value['node_errors'], nodes)
    if (status === 400) {
      const error = value['error']
      if (typeof error !== 'object' || error === null) throw new ServerProtocolError(where, 'HTTP 400 without an "error" object')
      throw new PromptRejectedError(normalizeServerError(error), nodeErrors)
    }
    const id = value['prompt_id']
    if (id !== undefined && typeof id !== 'string') throw new ServerProtocolError(where, `"prompt_id" is ${describeJson(id)}, expected a string`)
    if (id === undefined && value['number'] === undefined) throw new ServerProtocolError(where, 'expected {prompt_id, number, node_errors}')
    const number = typeof value['number'] === 'number' ? value['number'] : undefined
    return { number, promptId: id ?? promptId, nodeErrors }
  }

  // Asks /queue and /history until the server says whether it has the prompt, or the deadline passes.
  async #learnFate(promptId: string, deadline: number): Promise<'taken' | 'absent' | 'unknown'> {
    let delay = 50
    for (;;) {
      if (this.#jobs.get(promptId)?.hasEvents) return 'taken'
      if (Date.now() >= deadline) return 'unknown'
      try {
        const fate = await this.lookup(promptId, { deadline: Math.min(deadline, Date.now() + this.http.timeout) })
        return fate === 'unknown' ? 'absent' : 'taken'
      } catch (error) {
        this.#emit('debug', `cannot learn whether the server took ${promptId} (asking again): ${error instanceof Error ? error.message : String(error)}`)
      }
      await sleep(Math.min(delay, Math.max(0, deadline - Date.now())))
      delay = Math.min(delay * 2, this.#options.pollInterval ?? 1000)
    }
  }

  // A prompt whose fate is unknown and that nobody waits for: delete it, interrupt it, and interrupt it if it starts later.
  #forget(promptId: string): void {
    this.#abandoned.push(promptId)
    if (this.#abandoned.length > ABANDONED_KEPT) this.#abandoned.shift()
    const deadline = Date.now() + (this.#options.cancelTimeout ?? 5000)
    this.#background.add(
      Promise.allSettled([this.deleteFromQueue([promptId], { deadline }), this.interrupt(promptId, { deadline })]).then((settled) => {
        const failed = settled.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))
        this.#emit('debug', failed.length === 0 ? `deleted ${promptId} from the queue` : `could not delete ${promptId}: ${failed.join('; ')}`)
      }),
    )
  }

  // Any answer of the server: it is not dead.
  #reached(): void {
    this.#unreachableSince = undefined
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
    this.#reached()
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
      if (message.type === 'execution_start' && this.#abandoned.includes(promptId)) {
        // Its POST answer was lost and the caller gave up: it must not run unseen.
        this.#emit('debug', `${promptId} started after the client gave up on it: interrupting it`)
        void this.interrupt(promptId, { deadline: Date.now() + (this.#options.cancelTimeout ?? 5000) }).catch(() => {})
      }
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

  // One look at the server for every accepted job: queue first, then history for those not seen queued. A failed
  // or malformed /queue does not stop /history from completing a finished job; a job whose state cannot be
  // learned for `offlineTimeout`, or a server refusing connections for `unreachableTimeout`, fails the job.
  async #pollOnce(): Promise<void> {
    if (this.#polling || this.#closed) return
    this.#polling = true
    try {
      const jobs = [...this.#jobs.values()].filter((j) => j.isAccepted && !j.done)
      if (jobs.length === 0) return
      this.#lastPollError = undefined
      let queue: { running: ReadonlySet<string>; pending: ReadonlySet<string> } | undefined
      try {
        queue = await this.#queueIds()
      } catch (error) {
        this.#pollFailed(error)
      }
      await Promise.all(
        jobs.map(async (job) => {
          if (queue !== undefined && (queue.running.has(job.id) || queue.pending.has(job.id))) {
            job.observeQueued(queue.running.has(job.id))
            return
          }
          try {
            const entry = await this.history(job.id)
            if (entry !== undefined) job.settleFromHistory(entry)
            else if (queue !== undefined) job.observeMissing()
          } catch (error) {
            this.#pollFailed(error)
          }
        }),
      )
      this.#abandonStale()
    } finally {
      this.#polling = false
    }
  }

  #pollFailed(error: unknown): void {
    this.#emit('debug', `poll failed: ${error instanceof Error ? error.message : String(error)}`)
    // Only refused connections: a lost answer (the server is there) is not a dead server.
    if (neverSent(error)) this.#unreachableSince ??= Date.now()
    this.#lastPollError = error
  }

  #lastPollError: unknown

  #abandonStale(): void {
    const error = this.#lastPollError
    if (!(error instanceof ComfyClientError)) return
    const now = Date.now()
    const unreachable = this.#unreachableSince !== undefined && now - this.#unreachableSince > (this.#options.unreachableTimeout ?? 5000)
    const offline = this.#options.offlineTimeout ?? 60_000
    for (const job of [...this.#jobs.values()]) {
      if (job.done || !job.isAccepted) continue
      if (unreachable || now - job.learnedAt > offline) job.abandon(error)
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

function requestBounds(options: LookupOptions): Pick<RequestOptions, 'signal' | 'deadline'> {
  return { ...(options.signal === undefined ? {} : { signal: options.signal }), ...(options.deadline === undefined ? {} : { deadline: options.deadline }) }
}

// A connection that was never made carried no request: the server cannot have the prompt.
function neverSent(error: unknown): boolean {
  return error instanceof ServerUnreachableError && error.code !== undefined && NEVER_SENT.has(error.code)
}

function describeJson(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array of ${value.length}`
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

// What makes a history entry unusable, or undefined when it has the shape the job reads.
function historyEntryProblem(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'not an object'
  const { outputs, status } = entry as { outputs?: unknown; status?: unknown }
  if (typeof outputs !== 'object' || outputs === null || Array.isArray(outputs)) return '"outputs" is not an object'
  for (const [node, dict] of Object.entries(outputs)) {
    if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) return `outputs of node ${node} are not an object`
  }
  if (status === undefined || status === null) return undefined
  if (typeof status !== 'object' || Array.isArray(status)) return '"status" is not an object'
  const messages = (status as { messages?: unknown }).messages
  if (!Array.isArray(messages) || !messages.every((m) => Array.isArray(m) && typeof m[0] === 'string')) return '"status.messages" is not a list of [type, data]'
  return undefined
}
