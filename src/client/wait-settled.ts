/**
 * `wait(options)` of a job, shared by the client's jobs and the pool's: the job's own outcome, or a
 * {@link JobError} as soon as the timeout expires or the signal aborts. The cancel that goes with it (an abort,
 * or a timeout with `cancelOnTimeout`) runs in the background, so the timeout holds even when the server freezes.
 * @module
 */
import { JobInterruptedError, JobTimeoutError, type JobError } from './errors.js'
import type { JobStatus } from './events.js'
import type { WaitOptions } from './job.js'
import type { JobResults } from './outputs.js'

/** The job waited for, as it is when the wait gives up. */
export interface WaitedJob {
  readonly id: string
  readonly state: JobStatus
  readonly done: boolean
  /** The job's outcome, whether or not anyone waits. */
  results(): Promise<JobResults>
}

/** How a wait that gives up cancels its job: in the background, bounded, its failure only reported. */
export interface BackgroundCancel {
  /** Cancels the job on the server within a bounded time. */
  cancel(): Promise<void>
  /** Keeps the cancel so that closing the client (or pool) waits for it. */
  background(task: Promise<unknown>): void
  debug(message: string): void
}

export function waitSettled(job: WaitedJob, options: WaitOptions, canceller: BackgroundCancel): Promise<JobResults> {
  const { timeout, signal } = options
  const settled = job.results()
  if (job.done || (timeout === undefined && signal === undefined)) return settled
  return new Promise<JobResults>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined
    const cleanup = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
    const giveUp = (error: JobError, cancel: boolean): void => {
      cleanup()
      reject(error)
      if (cancel) canceller.background(canceller.cancel().catch((e: unknown) => canceller.debug(`cancel of ${job.id} failed: ${String(e)}`)))
    }
    const onAbort = (): void => {
      giveUp(new JobInterruptedError(job.id, true, job.state === 'running' ? 'running' : 'queued', undefined, { cause: signal?.reason }), true)
    }
    if (signal?.aborted) {
      onAbort()
      return
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    if (timeout !== undefined) {
      // `deadline` is when `timeout` expires if it started before this call (`run` counts its submit in):
      const delay = options.deadline === undefined ? timeout : Math.max(0, options.deadline - Date.now())
      timer = setTimeout(() => giveUp(new JobTimeoutError(job.id, timeout, job.state), options.cancelOnTimeout === true), delay)
    }
    settled.then(
      (results) => {
        cleanup()
        resolve(results)
      },
      (error: unknown) => {
        cleanup()
        reject(error)
      },
    )
  })
}
