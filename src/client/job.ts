/**
 * A submitted job: follows its WebSocket events, completes from them when the stream was whole, and from
 * `/history` (the truth) whenever an event may have been missed.
 * @module
 */
import type { NodeHandle } from '../dsl/output.js'
import {
  ComfyClientError,
  JobError,
  JobExecutionError,
  JobInterruptedError,
  JobLostError,
  JobTimeoutError,
  type NodeErrorEntry,
} from './errors.js'
import { JobEventLog, type JobEvent, type JobEventListener, type JobStatus } from './events.js'
import type { Http } from './http.js'
import { buildResults, type JobResults } from './outputs.js'
import type {
  ExecutionErrorData,
  ExecutionInterruptedData,
  HistoryEntry,
  NodeOutputDict,
  KnownMessage,
} from './protocol.js'
import { waitSettled } from './wait-settled.js'

/** What a job needs from its client. */
export interface JobHost {
  readonly http: Http
  /** `/history/{id}`, `undefined` while the server has no entry. */
  history(promptId: string, options?: { deadline?: number }): Promise<HistoryEntry | undefined>
  /** Ids running and pending on the server. */
  queueIds(options?: { deadline?: number }): Promise<{ running: ReadonlySet<string>; pending: ReadonlySet<string> }>
  /** Bound of a cancel sent in the background after a timeout or an abort (ms). */
  readonly cancelTimeout: number
  /** Keeps a bounded background task (a cancel) so that closing the client waits for it. */
  background(task: Promise<unknown>): void
  /** Called once when the job reaches its end, so the client stops tracking it. */
  finished(job: Job): void
  /** Asks the client to poll soon (an event was missed and `/history` had nothing yet). */
  pollSoon(): void
  debug(message: string): void
  /** Something the user should know (an output that could not be used). */
  warning(message: string): void
}

export interface WaitOptions {
  /** Give up after this many ms with {@link JobTimeoutError}. */
  readonly timeout?: number
  /** Aborting cancels the job on the server (delete when queued, interrupt when running). */
  readonly signal?: AbortSignal
  /** Also cancel the job on the server when the timeout expires (default false; `run` sets it). */
  readonly cancelOnTimeout?: boolean
  /** Epoch ms at which `timeout` expires, when it started earlier (`run` counts its submit in). */
  readonly deadline?: number
}

type Outcome =
  | { readonly kind: 'success'; readonly timestamp: number | undefined }
  | { readonly kind: 'error'; readonly data: ExecutionErrorData }
  | { readonly kind: 'interrupted'; readonly data: ExecutionInterruptedData | undefined }

const TERMINAL = new Set<JobStatus>(['completed', 'failed', 'interrupted'])

export class Job implements AsyncIterable<JobEvent> {
  /** The server's number (queue priority) once accepted. */
  number: number | undefined
  /** Outputs the server dropped at validation (200 with `node_errors`). */
  nodeErrors: readonly NodeErrorEntry[] = []
  /** Things worth knowing that did not stop the job (dropped outputs, definitions drift). */
  readonly warnings: string[] = []

  #id: string
  #status: JobStatus = 'queued'
  #accepted = false
  #sawStart = false
  #gap: boolean
  #outcome: Outcome | undefined
  #startedAt: number | undefined
  #cached: string[] = []
  readonly #outputs: Record<string, NodeOutputDict> = {}
  #cancelRequested = false
  #missing = 0
  #confirming = false
  #learnedAt = Date.now()
  readonly #log = new JobEventLog()
  readonly #settled: Promise<JobResults>
  #resolve!: (results: JobResults) => void
  #reject!: (error: unknown) => void
  #done = false
  // Frames can arrive before the POST answer; they wait so that `queued` is always the first event.
  #early: (() => void)[] | undefined = []

  constructor(
    private readonly host: JobHost,
    id: string,
    /** DSL node behind each prompt id (empty for API JSON). */
    readonly nodes: ReadonlyMap<string, NodeHandle>,
    /** Output node ids the caller expects `executed` for (known when definitions were given). */
    private readonly expectedOutputs: ReadonlySet<string> | undefined,
    /** True when the WebSocket was not ready at submit: the events cannot be trusted to be complete. */
    gap: boolean,
  ) {
    this.#id = id
    this.#gap = gap
    this.#settled = new Promise<JobResults>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    // Nobody may ever wait; the rejection is still delivered to whoever does:
    this.#settled.catch(() => {})
    Object.defineProperty(this, 'host', { enumerable: false })
  }

  get id(): string {
    return this.#id
  }

  /** What the client knows without asking the server. */
  get state(): JobStatus {
    return this.#status
  }

  get done(): boolean {
    return this.#done
  }

  /** Subscribes to the job's events; returns the unsubscribe function. */
  on(listener: JobEventListener): () => void {
    return this.#log.on(listener)
  }

  /** Every event from the job's start (old previews excepted), then live ones, ending after `done`. */
  [Symbol.asyncIterator](): AsyncIterableIterator<JobEvent> {
    return this.#log[Symbol.asyncIterator]()
  }

  /** The status from the server's `/queue` and `/history` (local knowledge once the job has ended). */
  async status(): Promise<JobStatus> {
    if (TERMINAL.has(this.#status)) return this.#status
    const { running, pending } = await this.host.queueIds()
    if (running.has(this.#id)) return 'running'
    if (pending.has(this.#id)) return 'queued'
    const entry = await this.host.history(this.#id)
    if (entry === undefined) return 'unknown'
    return statusOfHistory(entry)
  }

  /**
   * Resolves with the results when the job completes; rejects with a {@link JobError} otherwise. The timeout is
   * kept even when the server freezes: a cancel (with `cancelOnTimeout` or an abort) runs in the background.
   */
  wait(options: WaitOptions = {}): Promise<JobResults> {
    return waitSettled(this, options, {
      cancel: () => this.cancel({ timeout: this.host.cancelTimeout }),
      background: (task) => this.host.background(task),
      debug: (message) => this.host.debug(message),
    })
  }

  /** Same as {@link wait} without options: the results once complete. */
  results(): Promise<JobResults> {
    return this.#settled
  }

  /**
   * Cancels the job on the server: removes it from the queue when pending, interrupts it when running.
   * Resolves once the server has been told; {@link wait} then rejects with {@link JobInterruptedError}
   * (or resolves, if the job finished before the cancel arrived).
   */
  async cancel(options: { timeout?: number } = {}): Promise<void> {
    if (this.#done) return
    this.#cancelRequested = true
    const { http } = this.host
    const deadline = options.timeout === undefined ? undefined : Date.now() + options.timeout
    const bounds = deadline === undefined ? {} : { deadline }
    await http.empty('POST', '/queue', { json: { delete: [this.#id] }, ...bounds })
    const { running } = await this.host.queueIds(bounds)
    if (running.has(this.#id)) {
      await http.empty('POST', '/interrupt', { json: { prompt_id: this.#id }, ...bounds })
      return
    }
    const entry = await this.host.history(this.#id, bounds)
    if (entry !== undefined) this.settleFromHistory(entry)
    else this.#fail(new JobInterruptedError(this.#id, true, 'queued', undefined), 'interrupted')
  }

  /** @internal The server accepted the prompt. */
  accepted(number: number | undefined, nodeErrors: readonly NodeErrorEntry[]): void {
    this.#accepted = true
    this.#learnedAt = Date.now()
    this.number = number
    this.nodeErrors = nodeErrors
    if (nodeErrors.length > 0) {
      this.warnings.push(`the server dropped ${nodeErrors.length} node(s) that failed validation: ${nodeErrors.map((e) => e.nodeId).join(', ')}`)
    }
    this.#log.push({ type: 'queued', number })
    const early = this.#early ?? []
    this.#early = undefined
    for (const replay of early) replay()
  }

  /** @internal When the client last learned the job's state (an event, a poll that found it or found it gone). */
  get learnedAt(): number {
    return this.#learnedAt
  }

  /** @internal True when the server has sent events for the job (so it knows the prompt). */
  get hasEvents(): boolean {
    return (this.#early?.length ?? 0) > 0 || this.#status !== 'queued' || this.#sawStart
  }

  /** @internal The server minted another id (servers older than prompt_id support). */
  rekey(id: string): void {
    this.#id = id
  }

  /** @internal Whether the server has confirmed the job (only those are polled). */
  get isAccepted(): boolean {
    return this.#accepted
  }

  /** @internal The socket dropped: events may be missing from here on. */
  markGap(): void {
    this.#gap = true
  }

  /** @internal A WebSocket JSON message for this job. */
  handleMessage(message: KnownMessage): void {
    if (this.#early !== undefined) {
      this.#early.push(() => this.handleMessage(message))
      return
    }
    if (this.#done) return
    this.#learnedAt = Date.now()
    switch (message.type) {
      case 'execution_start':
        this.#sawStart = true
        this.#status = 'running'
        this.#startedAt = message.data.timestamp
        this.#log.push({ type: 'started', timestamp: message.data.timestamp })
        return
      case 'execution_cached':
        this.#cached = [...message.data.nodes]
        this.#log.push({ type: 'cached', nodes: this.#cached })
        return
      case 'executing': {
        const nodeId = message.data.node
        if (nodeId === null) {
          void this.#finish()
          return
        }
        this.#status = 'running'
        this.#log.push({ type: 'executing', nodeId, node: this.nodes.get(nodeId) })
        return
      }
      case 'progress':
        this.#log.push({ type: 'progress', nodeId: message.data.node, value: message.data.value, max: message.data.max })
        return
      case 'progress_state':
        this.#log.push({ type: 'progress_state', nodes: message.data.nodes })
        return
      case 'executed':
        if (message.data.output !== null) this.#outputs[message.data.node] = mergeOutput(this.#outputs[message.data.node], message.data.output)
        this.#log.push({ type: 'executed', nodeId: message.data.node, output: message.data.output })
        return
      case 'execution_success':
        this.#outcome = { kind: 'success', timestamp: message.data.timestamp }
        return
      case 'execution_error':
        this.#outcome = { kind: 'error', data: message.data }
        return
      case 'execution_interrupted':
        this.#outcome = { kind: 'interrupted', data: message.data }
        return
      default:
        return
    }
  }

  /** @internal A preview or text frame routed to this job. */
  handleEvent(event: JobEvent): void {
    if (this.#early !== undefined) this.#early.push(() => this.handleEvent(event))
    else if (!this.#done) this.#log.push(event)
  }

  /** @internal Poll result: the server's queue holds the job. */
  observeQueued(running: boolean): void {
    this.#learnedAt = Date.now()
    this.#missing = 0
    if (running) this.#status = 'running'
  }

  /** @internal Poll result: neither queue nor history holds the job. Twice in a row means it is gone. */
  observeMissing(): void {
    this.#learnedAt = Date.now()
    if (++this.#missing < 2) return
    this.#fail(new JobLostError(this.#id, 'the server knows it neither in its queue nor in its history (restarted, or the job was deleted)'), 'failed')
  }

  /** @internal Completes the job from its `/history` entry. */
  settleFromHistory(entry: HistoryEntry): void {
    if (this.#done) return
    const messages = entry.status?.messages ?? []
    const find = (type: string): Record<string, unknown> | undefined => messages.find((m) => m[0] === type)?.[1] as Record<string, unknown> | undefined
    const start = find('execution_start')
    const status = statusOfHistory(entry)
    const end = find('execution_success') ?? find('execution_error') ?? find('execution_interrupted')
    const timing = timingOf(numberOr(start?.['timestamp']), numberOr(end?.['timestamp']))
    const cached = find('execution_cached')?.['nodes']
    if (Array.isArray(cached)) this.#cached = cached.filter((n): n is string => typeof n === 'string')
    if (status === 'completed') {
      this.#complete(entry.outputs, 'history', timing)
    } else if (status === 'interrupted') {
      const data = find('execution_interrupted') as ExecutionInterruptedData | undefined
      this.#fail(new JobInterruptedError(this.#id, this.#cancelRequested, 'running', data), 'interrupted')
    } else {
      const data = find('execution_error') as ExecutionErrorData | undefined
      const error =
        data === undefined
          ? new JobError(this.#id, `the server reports status "${entry.status?.status_str ?? 'missing'}" without an error message`)
          : new JobExecutionError(this.#id, data, this.nodes.get(String(data.node_id)))
      this.#fail(error, 'failed')
    }
  }

  /** @internal Ends the job with an error that is not the server's verdict (client closed, server gone). */
  abandon(error: ComfyClientError): void {
    this.#fail(error, 'failed')
  }

  // `executing {node: null}`: the server has written history. Trust the events only when none can be missing.
  async #finish(): Promise<void> {
    const outcome = this.#outcome
    if (outcome !== undefined && this.#sawStart && !this.#gap && this.#outputsComplete()) {
      if (outcome.kind === 'success') {
        this.#complete(this.#outputs, 'events', timingOf(this.#startedAt, outcome.timestamp))
      } else if (outcome.kind === 'error') {
        this.#fail(new JobExecutionError(this.#id, outcome.data, this.nodes.get(String(outcome.data.node_id))), 'failed')
      } else {
        this.#fail(new JobInterruptedError(this.#id, this.#cancelRequested, 'running', outcome.data), 'interrupted')
      }
      return
    }
    await this.confirmFromHistory()
  }

  /** @internal Reads `/history` once; if it has nothing yet, the client polls again soon. */
  async confirmFromHistory(): Promise<void> {
    if (this.#done || this.#confirming) return
    this.#confirming = true
    try {
      const entry = await this.host.history(this.#id)
      if (entry !== undefined) this.settleFromHistory(entry)
      else this.host.pollSoon()
    } catch (error) {
      this.host.debug(`history of ${this.#id} unavailable, polling: ${String(error)}`)
      this.host.pollSoon()
    } finally {
      this.#confirming = false
    }
  }

  #outputsComplete(): boolean {
    if (this.expectedOutputs === undefined) return true
    const dropped = new Set(this.nodeErrors.map((e) => e.nodeId))
    for (const id of this.expectedOutputs) {
      if (!dropped.has(id) && !(id in this.#outputs) && !this.#cached.includes(id)) return false
    }
    return true
  }

  #complete(outputs: Readonly<Record<string, NodeOutputDict>>, source: 'events' | 'history', timing: JobResults['timing']): void {
    if (this.#done) return
    this.#done = true
    this.#status = 'completed'
    const results = buildResults(this.host.http, this.#id, outputs, this.nodes, {
      cachedNodes: this.#cached,
      nodeErrors: this.nodeErrors,
      source,
      timing,
    })
    for (const warning of results.warnings) {
      this.warnings.push(warning)
      this.host.warning(`job ${this.#id}: ${warning}`)
    }
    this.#log.push({ type: 'done', status: 'completed', error: undefined })
    this.host.finished(this)
    this.#resolve(results)
  }

  #fail(error: ComfyClientError, status: 'failed' | 'interrupted'): void {
    if (this.#done) return
    this.#done = true
    this.#status = status
    this.#log.push({ type: 'done', status, error: error instanceof JobError ? error : new JobError(this.#id, error.message, { cause: error }) })
    this.host.finished(this)
    this.#reject(error)
  }
}

/** completed / failed / interrupted from a history entry. */
export function statusOfHistory(entry: HistoryEntry): JobStatus {
  const status = entry.status
  if (status === undefined) return 'completed'
  if (status.messages.some((m) => m[0] === 'execution_interrupted')) return 'interrupted'
  if (status.status_str === 'success') return 'completed'
  return 'failed'
}

function timingOf(startedAt: number | undefined, finishedAt: number | undefined): JobResults['timing'] {
  return {
    startedAt,
    finishedAt,
    executionMs: startedAt !== undefined && finishedAt !== undefined ? finishedAt - startedAt : undefined,
  }
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined
}

// A node executed several times (list inputs) reports each UI dict; the server concatenates them per key:
function mergeOutput(previous: NodeOutputDict | undefined, next: NodeOutputDict): NodeOutputDict {
  if (previous === undefined) return next
  const merged: Record<string, unknown> = { ...previous }
  for (const [key, value] of Object.entries(next)) {
    const before = merged[key]
    merged[key] = Array.isArray(before) && Array.isArray(value) ? [...before, ...value] : value
  }
  return merged
}
