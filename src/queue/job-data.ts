/**
 * What a queue job carries in Redis: the API prompt (text, so 64-bit seeds stay exact), its input images (bytes
 * or URLs), where it was posted (recorded before each POST), and the progress and results workers report.
 * @module
 */
import { createHash } from 'node:crypto'
import type { JobTiming } from '../client/outputs.js'

/** The BullMQ job name of every comfy-dsl job. */
export const JOB_NAME = 'comfy-prompt'

export interface QueueImage {
  /** The node whose `image` input takes the upload. */
  readonly target: string
  /** How the producer named it (node id, title or template parameter), for messages. */
  readonly label: string
  /** base64 of the image (when it travels with the job). */
  readonly bytes?: string
  /** Where the worker downloads it from (when it travels by reference). */
  readonly url?: string
}

/**
 * A server the job's prompt was (about to be) posted to. Workers record each one before the POST (in the job's
 * hash, field `comfy-dsl:placements`); a retry looks there first. `QueuedJob.placements()` reads them.
 */
export interface Placement {
  readonly server: string
  readonly at: number
  readonly worker: string
}

export interface ComfyJobData {
  readonly v: 1
  /** API prompt JSON. */
  readonly prompt: string
  readonly images: readonly QueueImage[]
  readonly tags?: readonly string[]
  readonly partialExecutionTargets?: readonly string[]
  /** The template the prompt was rendered from, for display. */
  readonly template?: string
}

/**
 * Progress a worker reports (`QueuedJob.on`): where the job runs, which node, which step. Workers write the
 * events of an interval together, as one BullMQ progress value (an array).
 */
export type QueueProgress =
  | { readonly type: 'dispatched'; readonly server: string; readonly promptId: string }
  | { readonly type: 'adopted'; readonly server: string; readonly promptId: string }
  | { readonly type: 'moved'; readonly from: string; readonly reason: string }
  | { readonly type: 'started' }
  | { readonly type: 'cached'; readonly nodes: readonly string[] }
  | { readonly type: 'executing'; readonly nodeId: string; readonly classType: string | undefined; readonly done: number; readonly total: number }
  | { readonly type: 'progress'; readonly nodeId: string | undefined; readonly value: number; readonly max: number }

/** Where a result file is kept for producers. */
export type FileStorage = 'redis' | 'folder' | 'server'

export interface StoredFile {
  readonly nodeId: string
  /** The UI dict key it was listed under: `images`, `gifs`, `audio`... */
  readonly kind: string
  readonly filename: string
  readonly subfolder: string
  readonly type: string
  readonly storage: FileStorage
  readonly size?: number
  /** The job-hash field holding the file's base64 bytes (`redis`). */
  readonly field?: string
  /** Absolute path in the results folder (`folder`). */
  readonly path?: string
  /** The server's `/view` URL (`server`). */
  readonly url?: string
}

/** A job's return value in Redis. */
export interface StoredResults {
  readonly v: 1
  readonly promptId: string
  readonly server: string
  /** True when a retry found the prompt already on its server and collected it instead of running it again. */
  readonly adopted: boolean
  readonly outputs: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  readonly files: readonly StoredFile[]
  readonly text: readonly { readonly nodeId: string; readonly text: string }[]
  readonly cachedNodes: readonly string[]
  readonly timing: JobTiming
  /**
   * Progress reported since the worker's last progress write: delivered to `QueuedJob.on` listeners with the
   * completion, which saves a write (and a wake-up of every producer) at the end of each job.
   */
  readonly progress?: readonly QueueProgress[]
}

/**
 * The ComfyUI prompt id of a queue job: the same for every attempt of the job (so a retry can ask the server
 * for it), different for a later job that reuses the id.
 */
export function promptIdOf(queueName: string, jobId: string, timestamp: number): string {
  const hex = createHash('sha256').update(`comfy-dsl\u0000${queueName}\u0000${jobId}\u0000${timestamp}`).digest('hex')
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** Failure reasons start with a tag, so producers raise the right error class. */
export const REASON = { cancelled: '[cancelled] ', failed: '[failed] ' } as const
