/**
 * `ComfyPool`: the client's submit/run/edit over several ComfyUI servers. A graph goes to a server whose own
 * definitions accept it (classes and files, judged by the offline validator), the least loaded one (its queue
 * plus the pool's jobs on it, per weight, within a per-server limit). A server that stops answering has its jobs
 * moved to another capable server; when it answers again, the copies left on it are deleted from its queue (or
 * interrupted), and their results are never delivered: the caller gets exactly one result per job.
 * @module
 */
import { Readable } from 'node:stream'
import type { DefSet } from '../../defs/model.js'
import type { EditOptions, EditResult } from '../../edit/edit.js'
import type { ApiPrompt } from '../../dsl/prompt.js'
import { ComfyError, InvalidArgumentError } from '../../errors.js'
import { BackgroundTasks } from '../background-tasks.js'
import type { ComfyClientOptions, RunOptions, SubmitOptions } from '../client.js'
import {
  ClientClosedError,
  ComfyClientError,
  JobInterruptedError,
  JobLostError,
  RequestTimeoutError,
  ServerHttpError,
  ServerProtocolError,
  ServerUnreachableError,
  PromptRejectedError,
  SubmitUnconfirmedError,
} from '../errors.js'
import type { JobEventListener } from '../events.js'
import { preparePrompt, withImageInputs, type GraphInput, type ImageInputKey } from '../graph.js'
import type { Job } from '../job.js'
import type { JobResults } from '../outputs.js'
import type { ComfyRunner } from '../runner.js'
import type { UploadSource } from '../upload.js'
import { judge, UPLOAD_PLACEHOLDER, type Judgement } from './capability.js'
import { NoCapableServerError, TooManyMovesError } from './errors.js'
import { PoolJob, type PoolJobHost } from './pool-job.js'
import { PoolServer, type PoolServerInfo, type PoolServerSpec } from './server.js'
import { nodeCrypto } from '../node-crypto.js'

export interface ComfyPoolOptions {
  readonly servers: readonly PoolServerSpec[]
  /** Jobs kept on each server at once, running or queued there; the rest wait in the pool (default 2). */
  readonly maxInFlight?: number
  /** How often every server is checked (`GET /queue`), in ms (default 1000). */
  readonly healthInterval?: number
  /** How long a check may take before it counts as failed, in ms (default 2000). */
  readonly healthTimeout?: number
  /** Failed checks in a row after which a server is down and its jobs move (default 2). */
  readonly downAfter?: number
  /** How often one job may move before it fails (default 3). */
  readonly maxMoves?: number
  /** Definitions older than this (ms) are fetched again before a graph is refused (default 5000). */
  readonly defsMaxAge?: number
  /** How long a job that a down server may hold (`knownServers`) waits for it before running elsewhere (ms, default 30 000). */
  readonly adoptWait?: number
  /** Polling of jobs followed on a server they were not posted from (ms, default 500). */
  readonly pollInterval?: number
  /** Options of every server's client (timeouts, reconnect, the definitions graphs were built with). */
  readonly client?: Omit<ComfyClientOptions, 'url' | 'headers' | 'dispatcher' | 'clientId'>
}

export interface PoolSubmitOptions extends SubmitOptions {
  /** Run only on servers that carry every one of these tags. */
  readonly tags?: readonly string[]
  /**
   * Servers that may already hold this prompt id (a job retried after its submitter died). Each is asked
   * first; where the prompt is queued, running or in history, the job follows it there instead of running again.
   */
  readonly knownServers?: readonly string[]
  /** Called with the chosen server before the prompt is posted to it (again for each move), e.g. to record it. */
  readonly beforePost?: (server: string) => void | Promise<void>
}

export interface PoolRunOptions extends PoolSubmitOptions, Pick<RunOptions, 'timeout'> {}

/** Events of the pool. */
export interface PoolEvents {
  /** A job is posted to a server (`moved`: after leaving another one). */
  dispatch: (event: { readonly jobId: string; readonly server: string; readonly moved: boolean }) => void
  /** A job found on a server that already had it (`knownServers`) is followed there. */
  adopt: (event: { readonly jobId: string; readonly server: string }) => void
  /** A job leaves a server that failed it or went away; it is dispatched again. */
  move: (event: { readonly jobId: string; readonly from: string; readonly reason: string }) => void
  'server-up': (server: string) => void
  'server-down': (server: string, reason: string) => void
  /** Copies of moved jobs removed from a server that came back. */
  cleanup: (event: { readonly server: string; readonly deleted: readonly string[]; readonly interrupted: readonly string[] }) => void
  warning: (message: string) => void
  debug: (message: string) => void
}

interface Request {
  readonly job: PoolJob
  readonly graph: GraphInput
  readonly prompt: ApiPrompt
  readonly uploadTargets: ReadonlySet<string>
  readonly options: PoolSubmitOptions
  readonly onEvent: JobEventListener | undefined
  readonly tags: readonly string[]
  readonly judgements: Map<PoolServer, { version: number; judgement: Judgement }>
  /** Settles `submit`: on acceptance, on a final error, or when the job has to wait for room. */
  accepted: ((error?: unknown) => void) | undefined
}

export class ComfyPool implements ComfyRunner {
  readonly #servers: PoolServer[]
  readonly #options: ComfyPoolOptions
  readonly #waiting: Request[] = []
  readonly #requests = new Map<PoolJob, Request>()
  readonly #listeners: { [K in keyof PoolEvents]: Set<PoolEvents[K]> } = {
    dispatch: new Set(),
    adopt: new Set(),
    move: new Set(),
    'server-up': new Set(),
    'server-down': new Set(),
    cleanup: new Set(),
    warning: new Set(),
    debug: new Set(),
  }
  readonly #probing = new Set<PoolServer>()
  readonly #defsAt = new Map<PoolServer, number>()
  #timer: NodeJS.Timeout | undefined
  #ready: Promise<void> | undefined
  #closed = false
  readonly #background = new BackgroundTasks()

  constructor(options: ComfyPoolOptions) {
    if (options.servers.length === 0) throw new InvalidArgumentError('a pool needs at least one server')
    this.#options = options
    const defaults = {
      maxInFlight: positive(options.maxInFlight ?? 2, 'maxInFlight'),
      // The pool decides when a server is gone (health checks), and moves its jobs long before this:
      clientOptions: { offlineTimeout: 10 * 60_000, unreachableTimeout: 10 * 60_000, ...options.client },
    }
    this.#servers = options.servers.map((spec) => new PoolServer(spec, defaults, () => this.#pump()))
    const urls = new Set<string>()
    for (const server of this.#servers) {
      if (urls.has(server.url)) throw new InvalidArgumentError(`server ${server.url} is listed twice`)
      urls.add(server.url)
      if (!(server.weight > 0)) throw new InvalidArgumentError(`server ${server.url}: weight must be a positive number`)
      positive(server.maxInFlight, `server ${server.url}: maxInFlight`)
    }
  }

  /** Listens to pool events; returns the unsubscribe function. */
  on<K extends keyof PoolEvents>(event: K, listener: PoolEvents[K]): () => void {
    this.#listeners[event].add(listener)
    return () => this.#listeners[event].delete(listener)
  }

  /** Checks every server once (definitions included) and starts the periodic health checks. */
  connect(): Promise<void> {
    this.#assertOpen()
    this.#ready ??= this.#start()
    return this.#ready
  }

  /** Each server's state, load and tags. */
  get servers(): readonly PoolServerInfo[] {
    return this.#servers.map((s) => s.info())
  }

  /**
   * Sends a graph to a capable server and returns its job once that server accepted it, or once it waits in
   * the pool for room. A graph no server can run throws {@link NoCapableServerError} with each server's reasons.
   */
  async submit(graph: GraphInput, options: PoolSubmitOptions = {}): Promise<PoolJob> {
    this.#assertOpen()
    const prepared = preparePrompt(graph)
    const images = await materializeImages(options.images)
    const uploadTargets = uploadTargetsOf(prepared, images)
    await this.connect()
    const id = options.promptId ?? nodeCrypto().randomUUID()
    if ([...this.#requests.keys()].some((j) => j.id === id)) throw new InvalidArgumentError(`prompt id ${id} is already in this pool`)
    const { onEvent, ...rest } = options
    const job = new PoolJob(this.#jobHost, id)
    const request: Request = {
      job,
      graph,
      prompt: prepared.prompt,
      uploadTargets,
      options: { ...rest, ...(images === undefined ? {} : { images }) },
      onEvent,
      tags: options.tags ?? [],
      judgements: new Map(),
      accepted: undefined,
    }
    await this.#refuseIfNoServerCan(request)
    this.#requests.set(job, request)
    if (options.knownServers !== undefined && options.knownServers.length > 0 && (await this.#adopt(request, options.knownServers))) return job
    const accepted = new Promise<void>((resolve, reject) => {
      request.accepted = (error) => (error === undefined ? resolve() : reject(error))
    })
    this.#waiting.push(request)
    this.#pump()
    await accepted
    return job
  }

  /** Submit, wait and return the results; on timeout or abort the job is cancelled wherever it is. */
  async run(graph: GraphInput, options: PoolRunOptions = {}): Promise<JobResults> {
    const { timeout } = options
    // As the client's run: `timeout` covers the whole run, the submit (and a wait for room) counted in.
    const bounds = timeout === undefined ? {} : { timeout, deadline: Date.now() + timeout }
    const job = await this.submit(graph, options)
    return job.wait({
      cancelOnTimeout: true,
      ...bounds,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })
  }

  /** The edit flow (see `ComfyClient.edit`) on a server of the pool that can run the template. */
  async edit(options: EditOptions): Promise<EditResult> {
    const { edit } = await import('../../edit/edit.js')
    return edit(this, options)
  }

  /** Stops the health checks, closes every server's client; jobs still waited for fail with `ClientClosedError`. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#timer)
    for (const request of this.#waiting.splice(0)) this.#fail(request, new ClientClosedError())
    // Cancels after a timeout or an abort use the servers' clients: they finish (bounded) before those close.
    await this.#background.settled()
    await Promise.all(this.#servers.map((s) => s.dropClient()))
    for (const request of [...this.#requests.values()]) this.#fail(request, new ClientClosedError())
  }

  readonly #jobHost: PoolJobHost = this.#makeJobHost()

  #makeJobHost(): PoolJobHost {
    const pool = this
    return {
      cancel: (job, options) => this.#cancel(job, options),
      get cancelTimeout(): number {
        return pool.#options.client?.cancelTimeout ?? 5000
      },
      background: (task) => this.#background.add(task),
      debug: (message) => this.#emit('debug', message),
    }
  }

  async #start(): Promise<void> {
    await Promise.all(this.#servers.map((s) => this.#probe(s)))
    const interval = this.#options.healthInterval ?? 1000
    this.#timer = setInterval(() => {
      for (const server of this.#servers) void this.#probe(server)
    }, interval)
    this.#timer.unref()
  }

  // One health check: `/queue` answers (and gives the server's load), definitions are known; else count a failure.
  async #probe(server: PoolServer): Promise<void> {
    if (this.#probing.has(server) || this.#closed) return
    this.#probing.add(server)
    try {
      const { value } = await server.client.http.json('GET', '/queue', { timeout: this.#options.healthTimeout ?? 2000 })
      const queue = value as { queue_running?: unknown; queue_pending?: unknown } | null
      if (!Array.isArray(queue?.queue_running) || !Array.isArray(queue.queue_pending)) {
        throw new ServerProtocolError(server.client.endpoint.describe('/queue'), 'expected {queue_running: [], queue_pending: []}')
      }
      server.queueRemaining = queue.queue_running.length + queue.queue_pending.length
      if (server.defs === undefined) await this.#loadDefs(server)
      server.failures = 0
      if (this.#closed) return
      if (server.state !== 'up') {
        server.state = 'up'
        this.#emit('server-up', server.url)
      }
      if (server.stale.size > 0) await this.#cleanStale(server)
      this.#pump()
    } catch (error) {
      if (this.#closed) return
      server.failures++
      const reason = error instanceof Error ? error.message : String(error)
      this.#emit('debug', `health check of ${server.url} failed (${server.failures}): ${reason}`)
      if (server.state === 'unknown' || (server.state === 'up' && server.failures >= (this.#options.downAfter ?? 2))) {
        await this.#markDown(server, reason)
      }
    } finally {
      this.#probing.delete(server)
    }
  }

  async #loadDefs(server: PoolServer): Promise<void> {
    // Loaded on first use, as the client does: the definitions model brings zod.
    const [raw, { normalizeObjectInfo }] = await Promise.all([server.client.objectInfo(), import('../../defs/normalize.js')])
    server.defs = normalizeObjectInfo(raw, { onError: 'skip' }).defs as DefSet
    server.defsVersion++
    this.#defsAt.set(server, Date.now())
  }

  // The server stopped answering: its jobs move; the prompt ids stay marked for removal when it answers again.
  async #markDown(server: PoolServer, reason: string): Promise<void> {
    if (server.state === 'down') return
    server.state = 'down'
    this.#emit('server-down', server.url, reason)
    for (const id of server.tracked) server.stale.add(id)
    await server.dropClient()
    this.#pump()
  }

  // Copies of moved jobs: deleted from the server's queue, interrupted when one is running. Never a job the
  // pool follows there now.
  async #cleanStale(server: PoolServer): Promise<void> {
    const ids = [...server.stale].filter((id) => !server.tracked.has(id))
    for (const id of server.stale) if (server.tracked.has(id)) server.stale.delete(id)
    if (ids.length === 0) return
    const client = server.client
    await client.deleteFromQueue(ids.filter((id) => !server.tracked.has(id)))
    const queue = await client.queue()
    const interrupted: string[] = []
    for (const item of queue.queue_running) {
      const id = item[1]
      if (ids.includes(id) && !server.tracked.has(id)) {
        await client.interrupt(id)
        interrupted.push(id)
      }
    }
    for (const id of ids) server.stale.delete(id)
    this.#emit('cleanup', { server: server.url, deleted: ids.filter((id) => !interrupted.includes(id)), interrupted })
  }

  // Refused up front when every server with known definitions says no (after fetching stale ones again) and
  // none is left whose definitions are unknown.
  async #refuseIfNoServerCan(request: Request): Promise<void> {
    if (this.#capability(request) !== 'none') return
    const maxAge = this.#options.defsMaxAge ?? 5000
    const stale = this.#servers.filter((s) => s.state === 'up' && s.hasTags(request.tags) && Date.now() - (this.#defsAt.get(s) ?? 0) > maxAge)
    await Promise.all(stale.map((s) => this.#loadDefs(s).catch((e: unknown) => this.#emit('debug', `definitions of ${s.url}: ${String(e)}`))))
    if (this.#capability(request) !== 'none') return
    throw new NoCapableServerError(this.#reasons(request))
  }

  /** `some`: a server with known definitions accepts it; `maybe`: only servers never reached might; `none`. */
  #capability(request: Request): 'some' | 'maybe' | 'none' {
    let maybe = false
    for (const server of this.#servers) {
      if (!server.hasTags(request.tags)) continue
      if (server.defs === undefined) maybe = true
      else if (this.#judgement(request, server).ok) return 'some'
    }
    return maybe ? 'maybe' : 'none'
  }

  #judgement(request: Request, server: PoolServer): Judgement {
    const cached = request.judgements.get(server)
    if (cached !== undefined && cached.version === server.defsVersion) return cached.judgement
    const judgement = judge(request.prompt, server.defs as DefSet, request.uploadTargets)
    request.judgements.set(server, { version: server.defsVersion, judgement })
    return judgement
  }

  #reasons(request: Request): Map<string, readonly string[]> {
    const reasons = new Map<string, readonly string[]>()
    for (const server of this.#servers) {
      const missing = request.tags.filter((t) => !server.tags.includes(t))
      if (missing.length > 0) reasons.set(server.url, [`lacks the tag(s) ${missing.join(', ')}`])
      else if (server.defs === undefined) reasons.set(server.url, ['unreachable: its definitions are unknown'])
      else {
        const judgement = this.#judgement(request, server)
        if (!judgement.ok) reasons.set(server.url, judgement.reasons)
      }
    }
    return reasons
  }

  // The least loaded capable server with room; `wait` when capable ones are full or down; `none` when no
  // server can run it any more.
  #choose(request: Request): PoolServer | 'wait' | 'none' {
    let best: PoolServer | undefined
    const capability = this.#capability(request)
    if (capability === 'none') return 'none'
    for (const server of this.#servers) {
      if (server.state !== 'up' || !server.hasRoom || !server.hasTags(request.tags) || server.defs === undefined) continue
      if (!this.#judgement(request, server).ok) continue
      if (best === undefined || server.load < best.load || (server.load === best.load && server.dispatched < best.dispatched)) best = server
    }
    return best ?? 'wait'
  }

  #pump(): void {
    if (this.#closed) return
    for (const request of [...this.#waiting]) {
      if (request.job.done) {
        this.#remove(request)
        continue
      }
      const choice = this.#choose(request)
      if (choice === 'none') {
        this.#remove(request)
        this.#fail(request, new NoCapableServerError(this.#reasons(request)))
      } else if (choice === 'wait') {
        request.accepted?.()
        request.accepted = undefined
      } else {
        this.#remove(request)
        void this.#dispatch(request, choice)
      }
    }
  }

  async #dispatch(request: Request, server: PoolServer): Promise<void> {
    const { job } = request
    server.inFlight++
    server.dispatched++
    server.tracked.add(job.id)
    server.stale.delete(job.id)
    const forward = job.begin(server.url, request.onEvent)
    this.#emit('dispatch', { jobId: job.id, server: server.url, moved: job.moves > 0 })
    let serverJob: Job
    try {
      await request.options.beforePost?.(server.url)
      if (job.cancelRequested) throw new JobInterruptedError(job.id, true, 'queued', undefined)
      const { tags: _tags, knownServers: _known, beforePost: _before, ...submitOptions } = request.options
      serverJob = await server.client.submit(request.graph, { ...submitOptions, promptId: job.id, onEvent: forward })
    } catch (error) {
      this.#release(server, job.id)
      if (error instanceof PromptRejectedError) {
        // Its definitions said yes: they changed since. Fetch them again for the next graphs.
        this.#defsAt.delete(server)
        void this.#loadDefs(server).catch(() => {})
        this.#fail(request, error)
      } else if (!this.#closed && !job.cancelRequested && (server.state === 'down' || isMovable(error))) {
        // The server may hold the prompt (the answer was lost): it is removed there when the server answers.
        server.stale.add(job.id)
        void this.#probe(server)
        this.#move(request, server, error)
      } else {
        this.#fail(request, error)
      }
      this.#pump()
      return
    }
    job.follow(serverJob)
    request.accepted?.()
    request.accepted = undefined
    if (job.cancelRequested) void serverJob.cancel().catch((e: unknown) => this.#emit('debug', `cancel of ${job.id}: ${String(e)}`))
    this.#watch(request, server, serverJob)
  }

  #watch(request: Request, server: PoolServer, serverJob: Job): void {
    const { job } = request
    serverJob.results().then(
      (results) => {
        if (!job.isCurrent(serverJob)) return
        this.#release(server, job.id)
        this.#requests.delete(job)
        job.complete(results, request.onEvent)
        this.#pump()
      },
      (error: unknown) => {
        if (!job.isCurrent(serverJob)) return
        this.#release(server, job.id)
        if (!this.#closed && !job.cancelRequested && (server.state === 'down' || isMovable(error))) {
          // Whatever is left of it there is removed when the server answers (a no-op where it has nothing):
          server.stale.add(job.id)
          if (server.state !== 'down') void this.#probe(server)
          this.#move(request, server, error)
        } else {
          this.#fail(request, error)
        }
        this.#pump()
      },
    )
  }

  #move(request: Request, from: PoolServer, cause: unknown): void {
    const { job } = request
    job.detach()
    job.moves++
    const maxMoves = this.#options.maxMoves ?? 3
    if (job.moves > maxMoves) {
      this.#fail(request, new TooManyMovesError(job.id, maxMoves, { cause }))
      return
    }
    const reason = cause instanceof Error ? cause.message : String(cause)
    this.#emit('move', { jobId: job.id, from: from.url, reason })
    this.#waiting.unshift(request)
  }

  // A retried job: find the prompt on a server it may already be on and follow it there.
  async #adopt(request: Request, known: readonly string[]): Promise<boolean> {
    const { job } = request
    for (const url of known) {
      const server = this.#servers.find((s) => s.url === url || s.url === safeDisplay(url))
      if (server === undefined) {
        this.#emit('warning', `job ${job.id} may be on ${url}, which is not in the pool: it cannot be checked there`)
        continue
      }
      const found = await this.#lookup(server, job.id)
      if (found === 'unreachable') {
        // Unknown: it may run there. Marked, it is removed there if the server comes back.
        server.stale.add(job.id)
        this.#emit('warning', `job ${job.id} may be on ${server.url}, unreachable for ${this.#options.adoptWait ?? 30_000} ms: running it elsewhere`)
        continue
      }
      if (!found) continue
      server.inFlight++
      server.tracked.add(job.id)
      server.stale.delete(job.id)
      const forward = job.begin(server.url, request.onEvent)
      this.#emit('adopt', { jobId: job.id, server: server.url })
      const serverJob = server.client.job(job.id)
      serverJob.on(forward)
      job.follow(serverJob)
      this.#followByPolling(serverJob)
      this.#watch(request, server, serverJob)
      return true
    }
    return false
  }

  // Whether the server knows the prompt id (queued, running or in history); waits for a down server to return.
  async #lookup(server: PoolServer, id: string): Promise<boolean | 'unreachable'> {
    const deadline = Date.now() + (this.#options.adoptWait ?? 30_000)
    for (;;) {
      if (server.state === 'up') {
        try {
          return (await server.client.lookup(id, { deadline: Math.min(deadline, Date.now() + (this.#options.healthTimeout ?? 2000)) })) !== 'unknown'
        } catch (error) {
          this.#emit('debug', `looking for ${id} on ${server.url}: ${String(error)}`)
        }
      }
      if (Date.now() > deadline || this.#closed) return 'unreachable'
      await new Promise((resolve) => setTimeout(resolve, Math.min(500, this.#options.healthInterval ?? 1000)))
    }
  }

  // A prompt posted by another client sends its events to that client: follow it through `/queue` and `/history`.
  #followByPolling(serverJob: Job): void {
    let missing = 0
    const timer = setInterval(() => {
      if (serverJob.done || this.#closed) {
        clearInterval(timer)
        return
      }
      serverJob.status().then(
        (status) => {
          if (status === 'unknown') {
            if (++missing >= 2) serverJob.abandon(new JobLostError(serverJob.id, 'the server no longer knows it (restarted?)'))
            return
          }
          missing = 0
          if (status !== 'queued' && status !== 'running') void serverJob.confirmFromHistory()
        },
        (error: unknown) => this.#emit('debug', `status of ${serverJob.id}: ${String(error)}`),
      )
    }, this.#options.pollInterval ?? 500)
    timer.unref()
  }

  async #cancel(job: PoolJob, options: { timeout?: number }): Promise<void> {
    const request = this.#requests.get(job)
    if (request === undefined) return
    const waiting = this.#waiting.indexOf(request)
    if (waiting >= 0) {
      this.#waiting.splice(waiting, 1)
      this.#fail(request, new JobInterruptedError(job.id, true, 'queued', undefined))
      return
    }
    // Being posted: cancelled as soon as the server accepts it (see #dispatch).
    if (job.current !== undefined) await job.current.cancel(options)
  }

  #release(server: PoolServer, id: string): void {
    server.inFlight = Math.max(0, server.inFlight - 1)
    server.tracked.delete(id)
  }

  #remove(request: Request): void {
    const index = this.#waiting.indexOf(request)
    if (index >= 0) this.#waiting.splice(index, 1)
  }

  #fail(request: Request, error: unknown): void {
    this.#requests.delete(request.job)
    const typed = error instanceof ComfyClientError ? error : wrap(error, request.job.id)
    request.job.fail(typed, request.onEvent)
    if (request.accepted !== undefined) {
      request.accepted(error)
      request.accepted = undefined
    }
  }

  #emit<K extends keyof PoolEvents>(event: K, ...args: Parameters<PoolEvents[K]>): void {
    for (const listener of this.#listeners[event]) {
      try {
        ;(listener as (...a: Parameters<PoolEvents[K]>) => void)(...args)
      } catch {
        // A throwing listener must not break the pool.
      }
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClientClosedError()
  }
}

/**
 * Errors after which a job may run elsewhere: the server went away, lost it, answered out of protocol, or could
 * not say what became of it (the prompt id is then marked on that server, to be removed there when it answers).
 */
function isMovable(error: unknown): boolean {
  if (error instanceof ServerHttpError) return error.status >= 500
  if (error instanceof Error && error.name === 'JobOutcomeUnknownError') return true
  // Its answer was lost and the server could not be asked: the client deleted it there; it is cleaned up again when the server answers.
  if (error instanceof SubmitUnconfirmedError) return true
  return (
    error instanceof ServerUnreachableError ||
    error instanceof RequestTimeoutError ||
    error instanceof ServerProtocolError ||
    error instanceof JobLostError ||
    error instanceof ClientClosedError
  )
}

function wrap(error: unknown, id: string): ComfyClientError {
  if (error instanceof ComfyError) return new ComfyClientError(error.message, { cause: error })
  return new ComfyClientError(`job ${id}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`${name} must be a positive integer, received ${value}`)
  return value
}

function safeDisplay(url: string): string {
  try {
    return new URL(url).href.replace(/\/+$/, '')
  } catch {
    return url
  }
}

type Images = SubmitOptions['images']

// Streams can be read once: they are read into memory so a moved job can upload them again.
async function materializeImages(images: Images): Promise<Images> {
  if (images === undefined) return undefined
  const entries: [ImageInputKey, UploadSource][] = images instanceof Map ? [...images] : Object.entries(images)
  const out = new Map<ImageInputKey, UploadSource>()
  for (const [key, source] of entries) {
    if (source instanceof Readable || (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream)) {
      const stream = source instanceof Readable ? source : Readable.fromWeb(source as import('node:stream/web').ReadableStream<Uint8Array>)
      const chunks: Buffer[] = []
      for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array))
      out.set(key, Buffer.concat(chunks))
    } else {
      out.set(key, source)
    }
  }
  return out
}

// The node ids whose `image` input receives an upload (unknown keys throw here, before any server is asked).
function uploadTargetsOf(prepared: ReturnType<typeof preparePrompt>, images: Images): Set<string> {
  const targets = new Set<string>()
  if (images === undefined) return targets
  const keys = images instanceof Map ? [...images.keys()] : Object.keys(images)
  const names = new Map<ImageInputKey, string>(keys.map((k) => [k, UPLOAD_PLACEHOLDER]))
  const marked = withImageInputs(prepared, names)
  for (const [id, node] of Object.entries(marked)) if (node !== prepared.prompt[id]) targets.add(id)
  return targets
}
