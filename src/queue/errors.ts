/**
 * Errors of the durable queue.
 * @module
 */
import { ComfyError, type ComfyErrorOptions } from '../errors.js'
import type { Issue } from '../validate/index.js'

/** Base class of every error the queue throws. */
export class QueueError extends ComfyError {}

/** `enqueue` refused the job: the graph fails validation, an image is missing or too large, an option is wrong. */
export class QueueInputError extends QueueError {
  constructor(
    message: string,
    /** The validator's issues, when the graph is what is wrong (node id, input, JSON path each). */
    readonly issues: readonly Issue[] = [],
    options: ComfyErrorOptions = {},
  ) {
    super(message, options)
  }
}

/** The job ended without results: rejected by the server, failed while running, or out of attempts. */
export class QueueJobFailedError extends QueueError {
  constructor(
    readonly jobId: string,
    /** The worker's reason (the server's error message for a failed node). */
    readonly reason: string,
  ) {
    super(`queue job ${jobId} failed: ${reason}`)
  }
}

/** The job was cancelled (removed before it ran, or interrupted on its server). */
export class QueueJobCancelledError extends QueueError {
  constructor(
    readonly jobId: string,
    readonly reason: string,
  ) {
    super(`queue job ${jobId} was cancelled${reason ? `: ${reason}` : ''}`)
  }
}

/** `wait()` gave up after its timeout (the job goes on: cancel it to stop it). */
export class QueueWaitTimeoutError extends QueueError {
  constructor(
    readonly jobId: string,
    readonly timeoutMs: number,
    readonly lastState: string,
  ) {
    super(`queue job ${jobId} not finished after ${timeoutMs} ms (last state: ${lastState})`)
  }
}

/** No job of that id in the queue (never added, or removed after it ended). */
export class QueueJobNotFoundError extends QueueError {
  constructor(readonly jobId: string) {
    super(`no queue job ${jobId} (never added, or removed after it ended)`)
  }
}

/** Redis did not answer within the time given (`connect({ timeout })`, the CLI's start-up). */
export class RedisUnreachableError extends QueueError {
  constructor(
    /** The Redis URL without credentials. */
    readonly url: string,
    readonly timeoutMs: number,
    options: ComfyErrorOptions = {},
  ) {
    super(`cannot reach Redis at ${url} within ${timeoutMs} ms`, options)
  }
}
