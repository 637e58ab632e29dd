/**
 * The worker side of the durable queue: BullMQ workers that run jobs through a `ComfyPool`.
 *
 * Exactly once on the GPU: a job's ComfyUI prompt id is derived from the job, and the server it goes to is
 * written into the job before the POST. A job taken again (its worker was killed and the job stalled, or an
 * attempt failed) first asks those servers for that prompt id: queued or running there, it is followed there;
 * finished, its result is collected; unknown, it is posted again.
 * @module
 */
import { hostname } from 'node:os'
import { Job, UnrecoverableError, WaitingError, Worker } from 'bullmq'
import { undici } from '../client/undici.js'
import { ComfyPool, type ComfyPoolOptions } from '../client/pool/pool.js'
import type { PoolServerSpec } from '../client/pool/server.js'
import { NoCapableServerError } from '../client/pool/errors.js'
import { JobExecutionError, JobInterruptedError, PromptRejectedError } from '../client/errors.js'
import type { JobEvent } from '../client/events.js'
import type { ApiPrompt } from '../dsl/prompt.js'
import { ComfyError, InvalidArgumentError } from '../errors.js'
import { parseJson } from '../json/lossless.js'
import { redisOptions, within, type RedisConnection } from './connection.js'
import { promptIdOf, REASON, type ComfyJobData, type Placement, type QueueImage, type QueueProgress, type StoredResults } from './job-data.js'
import { CancelListener } from './cancel-listener.js'
import { cancelKey, cancelStreamKey, PLACEMENTS_FIELD } from './keys.js'
import { claim } from './scripts.js'
import { storeResults, type ResultStorage } from './results.js'

export interface ComfyWorkerOptions {
  readonly redis: RedisConnection
  /** The queue's name (default `comfy`). */
  readonly name?: string
  /** BullMQ's key prefix (default `bull`). */
  readonly prefix?: string
  /** The ComfyUI servers to run jobs on: the worker makes a pool over them (or pass `pool`). */
  readonly servers?: readonly PoolServerSpec[]
  /** A pool of your own (not closed by the worker). */
  readonly pool?: ComfyPool
  /** Options of the pool the worker makes. */
  readonly poolOptions?: Omit<ComfyPoolOptions, 'servers'>
  /** Jobs run at once (default: what the pool keeps on its servers, 2 per server). */
  readonly concurrency?: number
  /** Where output files go (Redis up to a limit, then a shared folder, else the server's URL). */
  readonly results?: ResultStorage
  /** How long a job's lock lasts without renewal (ms, default 30 000): a killed worker's job is taken again after it. */
  readonly lockDuration?: number
  /** How often stalled jobs are looked for (ms, default 30 000). */
  readonly stalledInterval?: number
  /** Stalls after which a job fails (default 2). */
  readonly maxStalledCount?: number
  /** On `close()`, how long running jobs may take to finish before they are handed back to the queue (ms, default 25 000). */
  readonly shutdownTimeout?: number
  /** Minimum time between two step reports of one job (ms, default 100). */
  readonly progressInterval?: number
  /** Largest image a job may bring by URL (bytes, default 64 MiB). */
  readonly maxDownloadBytes?: number
  /** This worker's name in the job's placements (default `host:pid`). */
  readonly id?: string
}

/** Events of the worker. */
export interface WorkerEvents {
  completed: (event: { readonly jobId: string; readonly promptId: string; readonly server: string; readonly adopted: boolean }) => void
  failed: (event: { readonly jobId: string; readonly reason: string; readonly final: boolean }) => void
  /** A running job given back to the queue at shutdown; the next worker follows it on its server. */
  'handed-back': (event: { readonly jobId: string; readonly promptId: string }) => void
  error: (error: Error) => void
}

interface Active {
  readonly job: Job<ComfyJobData>
  readonly token: string | undefined
  readonly cancel: AbortController
  handBack: (() => void) | undefined
}

class HandedBack extends Error {}

/** The job's lock ran out before its POST: another worker may run it, so this one must not post. */
class LockLost extends Error {}

export class ComfyWorker {
  readonly id: string
  readonly name: string
  readonly pool: ComfyPool
  /** The BullMQ worker. */
  readonly worker: Worker<ComfyJobData, StoredResults>
  readonly #options: ComfyWorkerOptions
  readonly #ownPool: boolean
  readonly #prefix: string
  readonly #lockDuration: number
  readonly #active = new Map<string, Active>()
  readonly #cancels: CancelListener
  readonly #listeners: { [K in keyof WorkerEvents]: Set<WorkerEvents[K]> } = {
    completed: new Set(),
    failed: new Set(),
    'handed-back': new Set(),
    error: new Set(),
  }
  readonly #listening: Promise<void>
  #closing: Promise<void> | undefined
  #giveUp: (() => void) | undefined
  #handingBack = false

  constructor(options: ComfyWorkerOptions) {
    if (options.pool === undefined && (options.servers === undefined || options.servers.length === 0)) {
      throw new InvalidArgumentError('a worker needs servers (or a pool) to run jobs on')
    }
    this.#options = options
    this.id = options.id ?? `${hostname()}:${process.pid}`
    this.name = options.name ?? 'comfy'
    this.#prefix = options.prefix ?? 'bull'
    this.#lockDuration = options.lockDuration ?? 30_000
    this.#ownPool = options.pool === undefined
    this.pool = options.pool ?? new ComfyPool({ ...options.poolOptions, servers: options.servers as readonly PoolServerSpec[] })
    const concurrency = options.concurrency ?? this.pool.servers.reduce((sum, s) => sum + s.maxInFlight, 0)
    const connection = redisOptions(options.redis)
    this.worker = new Worker<ComfyJobData, StoredResults>(this.name, (job, token, signal) => this.#process(job, token, signal), {
      connection,
      prefix: this.#prefix,
      concurrency,
      lockDuration: this.#lockDuration,
      stalledInterval: options.stalledInterval ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 2,
      // Jobs are taken once the servers were checked: a lock must not run out while the pool starts.
      autorun: false,
    })
    this.worker.on('error', (error) => this.#emit('error', error))
    // Once BullMQ recorded the completion (and not before it, where a log line would delay it):
    this.worker.on('completed', (job, stored) => {
      if (stored?.v === 1) this.#emit('completed', { jobId: job.id as string, promptId: stored.promptId, server: stored.server, adopted: stored.adopted })
    })
    this.worker.on('failed', (job, error) => {
      if (job === undefined || error instanceof WaitingError || error.name === 'WaitingError') return
      const final = job.finishedOn !== undefined
      this.#emit('failed', { jobId: job.id as string, reason: error.message, final })
    })
    this.#cancels = new CancelListener({
      key: cancelStreamKey(this.#prefix, this.name),
      onCancel: (jobId) => this.#active.get(jobId)?.cancel.abort(new Error('cancelled by a producer')),
      onGap: () => void this.#recheckCancels(),
      onError: (error) => this.#emit('error', error),
    })
    // Jobs are taken once the servers were checked and cancel requests are heard:
    this.#listening = this.worker.client.then((client) => this.#cancels.start(client))
    void Promise.all([this.pool.connect(), this.#listening])
      .then(() => (this.#closing === undefined ? this.worker.run() : undefined))
      .catch((error: unknown) => this.#emit('error', error instanceof Error ? error : new Error(String(error))))
  }

  on<K extends keyof WorkerEvents>(event: K, listener: WorkerEvents[K]): () => void {
    this.#listeners[event].add(listener)
    return () => this.#listeners[event].delete(listener)
  }

  /** Resolves once the worker is connected to Redis (`RedisUnreachableError` after `timeout` ms) and its servers were checked. */
  async waitUntilReady(options: { readonly timeout?: number } = {}): Promise<void> {
    const redis = Promise.all([this.worker.waitUntilReady(), this.#listening])
    await Promise.all([within(redis, this.#options.redis, options.timeout ?? 10_000), this.pool.connect()])
  }

  /** Jobs running now. */
  get running(): number {
    return this.#active.size
  }

  /**
   * Stops taking jobs and lets the running ones finish; after `timeout` (default: the `shutdownTimeout`
   * option) the ones still running are handed back to the queue, where the next worker follows each on its
   * server (nothing is abandoned, nothing runs twice). Then closes the pool it made. Called again with
   * `timeout: 0` while closing, it hands the running jobs back at once.
   */
  close(options: { readonly timeout?: number } = {}): Promise<void> {
    const timeout = options.timeout ?? this.#options.shutdownTimeout ?? 25_000
    if (this.#closing !== undefined) {
      if (timeout === 0) this.#handBackAll()
      return this.#closing
    }
    this.#closing = this.#close(timeout)
    return this.#closing
  }

  async #close(timeout: number): Promise<void> {
    const closed = this.worker.close()
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<void>((resolve) => {
      this.#giveUp = resolve
      timer = setTimeout(resolve, timeout)
    })
    await Promise.race([closed, late])
    clearTimeout(timer)
    this.#handBackAll()
    await closed
    await this.#cancels.close()
    if (this.#ownPool) await this.pool.close()
  }

  // From now on no job is posted; running ones go back to the queue (a POST under way is answered first).
  #handBackAll(): void {
    this.#handingBack = true
    for (const active of this.#active.values()) active.handBack?.()
    this.#giveUp?.()
  }

  async #process(job: Job<ComfyJobData>, token: string | undefined, signal: AbortSignal | undefined): Promise<StoredResults> {
    const data = job.data
    const jobId = job.id as string
    if (data?.v !== 1 || typeof data.prompt !== 'string') throw new UnrecoverableError(`${REASON.failed}not a comfy-dsl job (no v1 prompt in its data)`)
    const promptId = promptIdOf(this.name, jobId, job.timestamp)
    const active: Active = { job, token, cancel: new AbortController(), handBack: undefined }
    this.#active.set(jobId, active)
    const handedBack = new Promise<never>((_, reject) => (active.handBack = () => reject(new HandedBack())))
    handedBack.catch(() => {})
    const onAbort = (): void => active.cancel.abort(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    const progress = new ProgressReporter(job, this.#options.progressInterval ?? 100)
    const offMove = this.pool.on('move', (e) => e.jobId === promptId && progress.send({ type: 'moved', from: e.from, reason: e.reason }))
    const offAdopt = this.pool.on('adopt', (e) => e.jobId === promptId && progress.send({ type: 'adopted', server: e.server, promptId }))
    try {
      // A job taken again: where it went before (asked there first), and whether it was cancelled while no worker held it.
      const placements: Placement[] = takenBefore(job) ? await this.#takenAgain(jobId) : []
      const prompt = parseJson(data.prompt) as unknown as ApiPrompt
      progress.setPrompt(prompt)
      const images = await this.#downloadImages(data.images)
      if (this.#handingBack) throw new HandedBack()
      const known = [...new Set(placements.map((p) => p.server).reverse())]
      let posted = false
      const poolJob = await this.pool.submit(prompt, {
        promptId,
        images,
        knownServers: known,
        ...(data.tags === undefined ? {} : { tags: data.tags }),
        ...(data.partialExecutionTargets === undefined ? {} : { partialExecutionTargets: data.partialExecutionTargets }),
        beforePost: async (server) => {
          if (active.cancel.signal.aborted) throw new UnrecoverableError(`${REASON.cancelled}cancelled before it was posted`)
          if (this.#handingBack) throw new HandedBack()
          // In one atomic round trip: still ours (for a whole lock duration from now, so no other worker can take
          // the job before the POST is out), not cancelled, and the server recorded: whoever takes the job next
          // asks this server first.
          const placement: Placement = { server, at: Date.now(), worker: this.id }
          const outcome = await claim(await this.worker.client, this.#claimKeys(jobId), {
            token,
            lockDuration: this.#lockDuration,
            jobId,
            field: PLACEMENTS_FIELD,
            value: JSON.stringify([...placements, placement]),
          })
          if (outcome === 'cancelled' || active.cancel.signal.aborted) throw new UnrecoverableError(`${REASON.cancelled}cancelled before it was posted`)
          if (outcome === 'missing') throw new UnrecoverableError(`${REASON.cancelled}the job was removed from the queue`)
          if (outcome === 'lock-lost') throw new LockLost(`lost the lock of job ${jobId} (this process stalled); another worker has it`)
          placements.push(placement)
          posted = true
          // With the next progress write, not now: this write would compete with the POST.
          progress.add({ type: 'dispatched', server, promptId })
        },
        onEvent: (event) => progress.event(event),
      })
      // Not raced with a hand-back: a POST under way is answered first, so the next worker finds the prompt there.
      if (this.#handingBack) throw new HandedBack()
      const results = await Promise.race([poolJob.wait({ signal: active.cancel.signal }), handedBack])
      const { results: stored, fields } = await storeResults(results, {
        jobId,
        server: poolJob.server as string,
        adopted: !posted,
        storage: this.#options.results ?? {},
        // Progress not written yet goes with the completion (one write less per job):
        progress: progress.takePending(),
      })
      // Files kept in Redis are in the job's hash before it completes:
      if (Object.keys(fields).length > 0) await (await this.worker.client).hset(this.worker.toKey(jobId), fields)
      return stored
    } catch (error) {
      await progress.flush()
      if (error instanceof HandedBack || (error instanceof ComfyError && error.cause instanceof HandedBack)) {
        // The prompt keeps running on its server; the placements in the job lead the next worker to it.
        await job.moveToWait(token)
        this.#emit('handed-back', { jobId, promptId })
        throw new WaitingError()
      }
      throw this.#failure(error, active)
    } finally {
      signal?.removeEventListener('abort', onAbort)
      offMove()
      offAdopt()
      this.#active.delete(jobId)
    }
  }

  // Final failures (the graph or its run is at fault, or the job was cancelled) are not retried; a server that
  // went away is.
  #failure(error: unknown, active: Active): Error {
    if (error instanceof UnrecoverableError) return error
    const message = error instanceof Error ? error.message : String(error)
    const cause = error instanceof ComfyError && error.cause instanceof UnrecoverableError ? error.cause : undefined
    if (cause !== undefined) return cause
    if (error instanceof JobInterruptedError && (error.byClient || active.cancel.signal.aborted)) {
      return new UnrecoverableError(`${REASON.cancelled}${message}`)
    }
    if (
      error instanceof PromptRejectedError ||
      error instanceof JobExecutionError ||
      error instanceof JobInterruptedError ||
      error instanceof NoCapableServerError ||
      error instanceof InvalidArgumentError
    ) {
      return new UnrecoverableError(`${REASON.failed}${message}`)
    }
    return new Error(`${REASON.failed}${message}`)
  }

  // Placements recorded by the workers that held the job before, and its cancel flag, read together.
  async #takenAgain(jobId: string): Promise<Placement[]> {
    const client = await this.worker.client
    const [recorded, cancelled] = await Promise.all([client.hget(this.#claimKeys(jobId).job, PLACEMENTS_FIELD), client.get(cancelKey(this.#prefix, this.name, jobId))])
    if (cancelled !== null) throw new UnrecoverableError(`${REASON.cancelled}cancelled before it was taken again`)
    return recorded === null ? [] : parsePlacements(recorded)
  }

  // Cancel requests may have gone unheard (the cancel stream was unreadable): the flags of the running jobs say.
  async #recheckCancels(): Promise<void> {
    try {
      const client = await this.worker.client
      for (const [jobId, active] of this.#active) {
        if ((await client.get(cancelKey(this.#prefix, this.name, jobId))) !== null) active.cancel.abort(new Error('cancelled by a producer'))
      }
    } catch (error) {
      this.#emit('error', error instanceof Error ? error : new Error(String(error)))
    }
  }

  #claimKeys(jobId: string): { job: string; lock: string; stalled: string; cancel: string } {
    const job = this.worker.toKey(jobId)
    return { job, lock: `${job}:lock`, stalled: this.worker.keys['stalled'] as string, cancel: cancelKey(this.#prefix, this.name, jobId) }
  }

  async #downloadImages(images: readonly QueueImage[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>()
    const limit = this.#options.maxDownloadBytes ?? 64 * 1024 * 1024
    for (const image of images) {
      if (image.bytes !== undefined) {
        out.set(image.target, Buffer.from(image.bytes, 'base64'))
        continue
      }
      out.set(image.target, await download(image.url as string, image.label, limit))
    }
    return out
  }

  #emit<K extends keyof WorkerEvents>(event: K, ...args: Parameters<WorkerEvents[K]>): void {
    for (const listener of this.#listeners[event]) {
      try {
        ;(listener as (...a: Parameters<WorkerEvents[K]>) => void)(...args)
      } catch {
        // A throwing listener must not break the worker.
      }
    }
  }
}

/** Whether BullMQ gave the job to a worker before (a retry, a stalled job, one handed back at shutdown). */
function takenBefore(job: Job<ComfyJobData>): boolean {
  return job.attemptsStarted > 1 || job.stalledCounter > 0 || job.attemptsMade > 0
}

function parsePlacements(text: string): Placement[] {
  const value = JSON.parse(text) as unknown
  return Array.isArray(value) ? (value as Placement[]) : []
}

/** A worker of the queue `name` on `redis`, running jobs on `servers` (or `pool`). */
export function createWorker(options: ComfyWorkerOptions): ComfyWorker {
  return new ComfyWorker(options)
}

async function download(url: string, label: string, limit: number): Promise<Buffer> {
  const { request } = await undici() // loaded on first use, as the client does
  const response = await request(url).catch((error: unknown) => {
    throw new Error(`image "${label}": cannot download ${url}: ${(error as Error).message}`)
  })
  if (response.statusCode !== 200) {
    await response.body.dump()
    throw new UnrecoverableError(`${REASON.failed}image "${label}": ${url} answered HTTP ${response.statusCode}`)
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of response.body) {
    size += (chunk as Buffer).length
    if (size > limit) {
      response.body.destroy()
      throw new UnrecoverableError(`${REASON.failed}image "${label}": ${url} is larger than ${limit} bytes`)
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/**
 * Job events as BullMQ progress, written together once per `interval` (one Redis write per job and interval);
 * where the job goes (dispatched, moved, adopted) is written at once.
 */
class ProgressReporter {
  #chain: Promise<unknown> = Promise.resolve()
  #pending: QueueProgress[] = []
  #timer: NodeJS.Timeout | undefined
  #classes = new Map<string, string>()
  #total = 0
  #done = 0

  constructor(
    private readonly job: Job<ComfyJobData>,
    private readonly interval: number,
  ) {}

  setPrompt(prompt: ApiPrompt): void {
    this.#classes = new Map(Object.entries(prompt).map(([id, node]) => [id, node.class_type]))
    this.#total = this.#classes.size
  }

  event(event: JobEvent): void {
    switch (event.type) {
      case 'started':
        return this.add({ type: 'started' })
      case 'cached':
        this.#done += event.nodes.length
        return event.nodes.length > 0 ? this.add({ type: 'cached', nodes: event.nodes }) : undefined
      case 'executing':
        return this.add({ type: 'executing', nodeId: event.nodeId, classType: this.#classes.get(event.nodeId), done: this.#done++, total: this.#total })
      case 'progress': {
        // Only the latest step of a node is worth sending:
        const last = this.#pending.at(-1)
        if (last?.type === 'progress' && last.nodeId === event.nodeId) this.#pending.pop()
        return this.add({ type: 'progress', nodeId: event.nodeId, value: event.value, max: event.max })
      }
      default:
        return
    }
  }

  /** Sends `progress` (and anything pending) now. */
  send(progress: QueueProgress): void {
    this.#pending.push(progress)
    this.#write()
  }

  flush(): Promise<unknown> {
    this.#write()
    return this.#chain
  }

  /** The events not written yet, no longer to be written (they travel with the job's completion). */
  takePending(): QueueProgress[] {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const pending = this.#pending
    this.#pending = []
    return pending
  }

  /** Sends `progress` with the next write (within the interval, or with the job's completion). */
  add(progress: QueueProgress): void {
    this.#pending.push(progress)
    this.#timer ??= setTimeout(() => this.#write(), this.interval)
  }

  #write(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    if (this.#pending.length === 0) return
    const batch = this.#pending
    this.#pending = []
    // In order, never awaited by the run itself; a lost report is not worth failing a job for.
    this.#chain = this.#chain.then(() => this.job.updateProgress(batch as unknown as object)).catch(() => {})
  }
}
