/**
 * Redis keys the queue adds beside BullMQ's: the cancel flag of a job, the stream workers hear cancels on, and
 * the job-hash field where a job's placements are recorded.
 * @module
 */

export function cancelKey(prefix: string, queue: string, jobId: string): string {
  return `${prefix}:${queue}:comfy-dsl:cancel:${jobId}`
}

/**
 * The stream of cancel requests workers read. Its own stream, not the queue's event stream: that one carries
 * every event of every job, and reading it would wake each worker for each of them.
 */
export function cancelStreamKey(prefix: string, queue: string): string {
  return `${prefix}:${queue}:comfy-dsl:cancels`
}

/** Entries kept in the cancel stream (approximately): a worker that was away longer re-reads its jobs' flags. */
export const CANCEL_STREAM_LENGTH = 1000

/** How long a cancel flag is kept (a job cancelled while no worker runs it is refused when one picks it up). */
export const CANCEL_TTL_SECONDS = 7 * 24 * 3600

/**
 * The job-hash field with the servers a job was posted to (JSON). Beside BullMQ's fields rather than in the job's
 * data, so recording one is a small write (the data carries the prompt and its images), and it goes with the job
 * when BullMQ removes it.
 */
export const PLACEMENTS_FIELD = 'comfy-dsl:placements'

/**
 * The job-hash field with the base64 bytes of a result file kept in Redis. In the job's hash, not in its return
 * value: BullMQ copies a return value into the queue's event stream (kept for 10 000 events) and to every
 * producer listening; a field goes with the job when BullMQ removes it, and only the producer that waits reads it.
 */
export function fileField(index: number): string {
  return `comfy-dsl:file:${index}`
}
