/**
 * A handle on a queue job, from any process: its state, its progress (per node and per step), its results
 * once a worker completed it, and cancel.
 * @module
 */
import { Job, type Queue, type QueueEvents } from 'bullmq'
import { QueueJobCancelledError, QueueJobFailedError, QueueJobNotFoundError, QueueWaitTimeoutError } from './errors.js'
import { REASON, type ComfyJobData, type Placement, type QueueProgress } from './job-data.js'
import { decodeResults, storedResultsOf, type QueueResults } from './results.js'

/** What a handle needs from its queue. */
export interface QueuedJobHost {
  queue(): Queue<ComfyJobData>
  events(): Promise<QueueEvents>
  /** Flags the job as cancelled and tells the workers. */
  requestCancel(id: string): Promise<void>
  /** Whether the job was flagged as cancelled. */
  cancelRequested(id: string): Promise<boolean>
  placements(id: string): Promise<Placement[]>
  /** Fields of the job's hash (result files kept in Redis). */
  readFields(id: string, fields: string[]): Promise<(string | null)[]>
}

export type QueueJobState = 'waiting' | 'prioritized' | 'delayed' | 'active' | 'completed' | 'failed' | 'waiting-children' | 'unknown'

export interface QueueWaitOptions {
  /** Give up waiting after this many ms ({@link QueueWaitTimeoutError}); the job goes on. */
  readonly timeout?: number
  /** Aborting cancels the job. */
  readonly signal?: AbortSignal
}

// A safety net under the event stream: the state is read again this often while waiting.
const RECHECK_MS = 15_000

export class QueuedJob {
  readonly #followed: boolean

  constructor(
    private readonly host: QueuedJobHost,
    readonly id: string,
    /** The job was added after this process began reading the queue's events: none of its events can be missed. */
    options: { readonly followed?: boolean } = {},
  ) {
    Object.defineProperty(this, 'host', { enumerable: false })
    this.#followed = options.followed === true
  }

  async state(): Promise<QueueJobState> {
    return (await this.host.queue().getJobState(this.id)) as QueueJobState
  }

  /**
   * The servers the job's prompt was posted to, in order (each recorded right before its POST): more than one
   * when it moved or was retried. Empty before a worker posted it, and once the job was removed.
   */
  placements(): Promise<Placement[]> {
    return this.host.placements(this.id)
  }

  /** Progress events the workers report; resolves the unsubscribe function once listening. */
  async on(listener: (event: QueueProgress) => void): Promise<() => void> {
    const events = await this.host.events()
    // Workers send the events of an interval together (one Redis write per job and interval):
    const onProgress = ({ data }: { data: unknown }): void => {
      for (const event of Array.isArray(data) ? data : [data]) {
        if (typeof event !== 'object' || event === null) continue
        try {
          listener(event as QueueProgress)
        } catch {
          // A throwing listener must not stop the others.
        }
      }
    }
    // What the worker reported after its last progress write comes with the completion:
    const onCompleted = ({ returnvalue }: { returnvalue: unknown }): void => {
      const tail = (returnvalue as { progress?: unknown } | null)?.progress
      if (Array.isArray(tail)) onProgress({ data: tail })
    }
    const progress = `progress:${this.id}` as 'progress'
    const completed = `completed:${this.id}` as 'completed'
    events.on(progress, onProgress as never)
    events.on(completed, onCompleted as never)
    return () => {
      events.off(progress, onProgress as never)
      events.off(completed, onCompleted as never)
    }
  }

  /**
   * The results once a worker completed the job. Rejects with {@link QueueJobFailedError},
   * {@link QueueJobCancelledError}, {@link QueueJobNotFoundError} or {@link QueueWaitTimeoutError}.
   */
  async wait(options: QueueWaitOptions = {}): Promise<QueueResults> {
    const events = await this.host.events()
    return new Promise<QueueResults>((resolve, reject) => {
      let settled = false
      let timer: NodeJS.Timeout | undefined
      let recheck: NodeJS.Timeout | undefined
      const cleanup = (): void => {
        settled = true
        clearTimeout(timer)
        clearTimeout(recheck)
        events.off(completed, onCompleted as never)
        events.off(failed, onFailed as never)
        events.off(removed, onRemoved as never)
        options.signal?.removeEventListener('abort', onAbort)
      }
      const finish = (returnvalue: unknown): void => {
        if (settled) return
        cleanup()
        try {
          const stored = storedResultsOf(this.id, returnvalue)
          decodeResults(this.id, stored, (fields) => this.host.readFields(this.id, fields)).then(resolve, reject)
        } catch (error) {
          reject(error)
        }
      }
      const fail = (error: unknown): void => {
        if (settled) return
        cleanup()
        reject(error)
      }
      // BullMQ also emits each event as `<event>:<jobId>`: one listener per waiting job, no scan of all of them.
      const onCompleted = ({ returnvalue }: { returnvalue: unknown }): void => finish(returnvalue)
      const onFailed = ({ failedReason }: { failedReason: string }): void => fail(failureOf(this.id, failedReason))
      const onRemoved = (): void => fail(new QueueJobCancelledError(this.id, 'removed from the queue before it ran'))
      const completed = `completed:${this.id}` as 'completed'
      const failed = `failed:${this.id}` as 'failed'
      const removed = `removed:${this.id}` as 'removed'
      const onAbort = (): void => {
        this.cancel().then(
          () => fail(new QueueJobCancelledError(this.id, 'cancelled by the waiting producer')),
          (error: unknown) => fail(error),
        )
      }
      events.on(completed, onCompleted as never)
      events.on(failed, onFailed as never)
      events.on(removed, onRemoved as never)
      if (options.signal?.aborted) return onAbort()
      options.signal?.addEventListener('abort', onAbort, { once: true })
      if (options.timeout !== undefined) {
        const timeout = options.timeout
        timer = setTimeout(() => {
          void this.state().then(
            (state) => fail(new QueueWaitTimeoutError(this.id, timeout, state)),
            () => fail(new QueueWaitTimeoutError(this.id, timeout, 'unknown')),
          )
        }, timeout)
      }
      // The job may have ended before the listeners were in place (or while the event stream was unreachable):
      const check = async (): Promise<void> => {
        if (settled) return
        try {
          // The state first: once it is final, the job read next carries its result.
          const state = await this.host.queue().getJobState(this.id)
          if (settled) return
          if (state === 'completed' || state === 'failed' || state === 'unknown') {
            const job = await Job.fromId<ComfyJobData>(this.host.queue(), this.id)
            if (settled) return
            if (job === undefined) {
              const cancelled = await this.host.cancelRequested(this.id)
              return fail(cancelled ? new QueueJobCancelledError(this.id, 'removed from the queue before it ran') : new QueueJobNotFoundError(this.id))
            }
            if (state === 'completed') return finish(job.returnvalue)
            if (state === 'failed') return fail(failureOf(this.id, job.failedReason ?? ''))
          }
        } catch {
          // Redis unreachable for a moment: the next check or an event settles it.
        }
        if (!settled) recheck = setTimeout(() => void check(), RECHECK_MS)
      }
      // A job whose every event reaches the listeners needs no look now (one Redis call less per job); the
      // look comes later, as a safety net.
      if (this.#followed) recheck = setTimeout(() => void check(), RECHECK_MS)
      else void check()
    })
  }

  /** Same as {@link wait} without options. */
  results(): Promise<QueueResults> {
    return this.wait()
  }

  /**
   * Cancels the job: removed when it has not started; interrupted on its server (or removed from the server's
   * queue) when a worker runs it. A waiter's `wait()` then rejects with {@link QueueJobCancelledError}.
   * Cancelling a job that already ended does nothing.
   */
  async cancel(): Promise<void> {
    const job = await Job.fromId<ComfyJobData>(this.host.queue(), this.id)
    if (job === undefined || job.finishedOn !== undefined) return
    // The flag first: a worker that takes the job from now on refuses to post it.
    await this.host.requestCancel(this.id)
    const state = await job.getState()
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') {
      try {
        await job.remove()
        return
      } catch {
        // Taken by a worker meanwhile (locked): the worker heard the cancel.
      }
    }
  }
}

function failureOf(jobId: string, reason: string): Error {
  if (reason.startsWith(REASON.cancelled)) return new QueueJobCancelledError(jobId, reason.slice(REASON.cancelled.length))
  return new QueueJobFailedError(jobId, reason.startsWith(REASON.failed) ? reason.slice(REASON.failed.length) : reason)
}
