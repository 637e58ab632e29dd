/**
 * Redis keys the queue adds beside BullMQ's: the cancel flag of a job, and the event workers hear cancels by.
 * @module
 */

export function cancelKey(prefix: string, queue: string, jobId: string): string {
  return `${prefix}:${queue}:comfy-dsl:cancel:${jobId}`
}

/** The custom event on the queue's event stream that asks the worker running a job to cancel it. */
export const CANCEL_EVENT = 'comfy-dsl:cancel'

/** How long a cancel flag is kept (a job cancelled while no worker runs it is refused when one picks it up). */
export const CANCEL_TTL_SECONDS = 7 * 24 * 3600
