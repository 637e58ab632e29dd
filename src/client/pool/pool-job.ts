/**
 * A job of the pool: one prompt id for its whole life, whichever server runs it. It forwards the events of
 * the server job it is attached to, and settles once, from the server it is on when it ends: results of a
 * server it was moved away from never reach the caller.
 * @module
 */
import { JobError, JobInterruptedError, type ComfyClientError } from '../errors.js'
import { JobEventLog, type JobEvent, type JobEventListener, type JobStatus } from '../events.js'
import type { Job, WaitOptions } from '../job.js'
import type { JobResults } from '../outputs.js'
import type { ComfyJob } from '../runner.js'
import { waitSettled } from '../wait-settled.js'

/** What a pool job needs from its pool. */
export interface PoolJobHost {
  /** Cancels the job wherever it is: waiting in the pool, being posted, or on a server (`timeout` bounds the server's part). */
  cancel(job: PoolJob, options: { timeout?: number }): Promise<void>
  /** Bound of a cancel sent in the background after a timeout or an abort (ms). */
  readonly cancelTimeout: number
  /** Keeps a bounded background task (a cancel) so that closing the pool waits for it. */
  background(task: Promise<unknown>): void
  debug(message: string): void
}

const TERMINAL = new Set<JobStatus>(['completed', 'failed', 'interrupted'])

export class PoolJob implements ComfyJob {
  readonly warnings: string[] = []
  /** Every server the job was sent to, in order (the last one runs it). */
  readonly servers: string[] = []
  /** How many times the job was moved to another server. */
  moves = 0
  /** @internal The server job it follows now. */
  current: Job | undefined
  /** @internal True once the caller asked to cancel. */
  cancelRequested = false
  #state: JobStatus = 'queued'
  #done = false
  readonly #log = new JobEventLog()
  readonly #settled: Promise<JobResults>
  #resolve!: (results: JobResults) => void
  #reject!: (error: unknown) => void
  #attempt: object | undefined

  constructor(
    private readonly host: PoolJobHost,
    readonly id: string,
  ) {
    this.#settled = new Promise<JobResults>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    this.#settled.catch(() => {})
    Object.defineProperty(this, 'host', { enumerable: false })
  }

  /** The server the job is on (or was last sent to); undefined while it waits in the pool. */
  get server(): string | undefined {
    return this.servers.at(-1)
  }

  get state(): JobStatus {
    return this.#state
  }

  get done(): boolean {
    return this.#done
  }

  on(listener: JobEventListener): () => void {
    return this.#log.on(listener)
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<JobEvent> {
    return this.#log[Symbol.asyncIterator]()
  }

  async status(): Promise<JobStatus> {
    if (TERMINAL.has(this.#state) || this.current === undefined) return this.#state
    return this.current.status()
  }

  results(): Promise<JobResults> {
    return this.#settled
  }

  /** See `Job.wait`: rejects on time even when the server freezes; a cancel runs in the background. */
  wait(options: WaitOptions = {}): Promise<JobResults> {
    return waitSettled(this, options, {
      cancel: () => this.#cancel({ timeout: this.host.cancelTimeout }),
      background: (task) => this.host.background(task),
      debug: (message) => this.host.debug(message),
    })
  }

  cancel(): Promise<void> {
    return this.#cancel({})
  }

  #cancel(options: { timeout?: number }): Promise<void> {
    if (this.#done) return Promise.resolve()
    this.cancelRequested = true
    return this.host.cancel(this, options)
  }

  /**
   * @internal Starts an attempt on `server`: returns the listener that forwards the attempt's events (give it
   * to the server's submit, so none is missed) for as long as the attempt is the current one.
   */
  begin(server: string, listener?: JobEventListener): JobEventListener {
    const attempt = {}
    this.#attempt = attempt
    this.current = undefined
    if (this.servers.at(-1) !== server) this.servers.push(server)
    return (event) => {
      if (this.#attempt !== attempt || this.#done || event.type === 'done') return
      if (event.type === 'started' || event.type === 'executing') this.#state = 'running'
      this.#log.push(event)
      listener?.(event)
    }
  }

  /** @internal The server accepted the attempt: `job` is the server job followed from now on. */
  follow(job: Job): void {
    this.current = job
    for (const warning of job.warnings) if (!this.warnings.includes(warning)) this.warnings.push(warning)
  }

  /** @internal Whether `job` is the server job of the current attempt. */
  isCurrent(job: Job): boolean {
    return this.current === job && !this.#done
  }

  /** @internal Leaves the current attempt (moved, or its server went away): its events are ignored from now on. */
  detach(): void {
    this.#attempt = undefined
    this.current = undefined
    if (!this.#done) this.#state = 'queued'
  }

  /** @internal */
  complete(results: JobResults, listener?: JobEventListener): void {
    if (this.#done) return
    this.#done = true
    this.#state = 'completed'
    this.detach()
    this.#state = 'completed'
    const done: JobEvent = { type: 'done', status: 'completed', error: undefined }
    this.#log.push(done)
    listener?.(done)
    this.#resolve(results)
  }

  /** @internal */
  fail(error: ComfyClientError, listener?: JobEventListener): void {
    if (this.#done) return
    this.#done = true
    const status = error instanceof JobInterruptedError ? 'interrupted' : 'failed'
    this.detach()
    this.#state = status
    const done: JobEvent = { type: 'done', status, error: error instanceof JobError ? error : new JobError(this.id, error.message, { cause: error }) }
    this.#log.push(done)
    listener?.(done)
    this.#reject(error)
  }
}
