/**
 * The producer side of the durable queue: `createQueue({ redis, defs })` then `enqueue(graph | { template,
 * params }, options)` from any process or machine. Bad input is refused here, validated against the
 * definitions the queue was created with, before anything reaches Redis.
 * @module
 */
import { Job, Queue, QueueEvents, type KeepJobs } from 'bullmq'
import type { DefSet } from '../defs/model.js'
import { InvalidArgumentError } from '../errors.js'
import { judge } from '../client/pool/capability.js'
import { redisOptions, within, type RedisConnection } from './connection.js'
import { QueueInputError } from './errors.js'
import { QueuedJob, type QueuedJobHost } from './handle.js'
import { prepareJob, type EnqueueInput, type QueueImageSource } from './inputs.js'
import { JOB_NAME, type ComfyJobData } from './job-data.js'
import { streamTail } from './scripts.js'
import { CANCEL_STREAM_LENGTH, CANCEL_TTL_SECONDS, cancelKey, cancelStreamKey, PLACEMENTS_FIELD } from './keys.js'
import type { Placement } from './job-data.js'

export interface ComfyQueueOptions {
  readonly redis: RedisConnection
  /** The queue's name; producers and workers of one queue use the same (default `comfy`). */
  readonly name?: string
  /** BullMQ's key prefix (default `bull`). */
  readonly prefix?: string
  /** The definitions jobs are validated against at `enqueue` (those of the workers' servers). */
  readonly defs: DefSet
  /** `assume-present` skips the check of model and image file names (definitions taken without models). */
  readonly files?: 'listed' | 'assume-present'
  /** Bytes of input images one job may carry in Redis (default 8 MiB); larger images go by URL. */
  readonly maxImageBytes?: number
  /** Completed jobs kept (with their results) for producers that ask later (default: 1 hour, at most 1000). */
  readonly keepCompleted?: KeepJobs
  /** Failed jobs kept (default: 1 day, at most 5000). */
  readonly keepFailed?: KeepJobs
}

export interface EnqueueOptions {
  /** Input images by node id, node title or template parameter: bytes, a file path, or a URL. */
  readonly images?: Readonly<Record<string, QueueImageSource>>
  /** 1 runs first, larger numbers later (default {@link DEFAULT_PRIORITY}); equal priorities run in order of arrival. */
  readonly priority?: number
  /** Runs of the job before it fails (default 3); a retry collects a run already made instead of running again. */
  readonly attempts?: number
  /** The queue job's id (default: random). Enqueueing an id that exists returns that job: enqueue is idempotent. */
  readonly jobId?: string
  /** Only servers carrying these tags run it. */
  readonly tags?: readonly string[]
  /** Run only these output nodes. */
  readonly partialExecutionTargets?: readonly string[]
  /** Do not start it before this many ms. */
  readonly delay?: number
}

/**
 * The priority of a job enqueued without one. Every job gets a priority, so that a priority orders a job
 * against all others (BullMQ runs jobs without a priority before every prioritized one).
 */
export const DEFAULT_PRIORITY = 1000

export class ComfyQueue {
  readonly name: string
  readonly prefix: string
  /** The BullMQ queue (counts, pause, clean...). */
  readonly queue: Queue<ComfyJobData>
  readonly #options: ComfyQueueOptions
  #events: Promise<QueueEvents> | undefined
  #eventsRead = false
  #closed = false

  constructor(options: ComfyQueueOptions) {
    this.#options = options
    this.name = options.name ?? 'comfy'
    this.prefix = options.prefix ?? 'bull'
    this.queue = new Queue<ComfyJobData>(this.name, {
      connection: redisOptions(options.redis),
      prefix: this.prefix,
      defaultJobOptions: {
        attempts: 3,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: options.keepCompleted ?? { age: 3600, count: 1000 },
        removeOnFail: options.keepFailed ?? { age: 24 * 3600, count: 5000 },
      },
    })
    // Connection errors surface in the calls that need Redis; an unhandled 'error' event would end the process.
    this.queue.on('error', () => {})
  }

  /**
   * Validates the job against the queue's definitions, then adds it. Throws {@link QueueInputError} (with
   * the validator's issues: node id, input, JSON path) for a graph the servers would reject.
   */
  async enqueue(input: EnqueueInput, options: EnqueueOptions = {}): Promise<QueuedJob> {
    if (this.#closed) throw new InvalidArgumentError('the queue is closed')
    checkOptions(options)
    const prepared = await prepareJob(input, options.images, this.#options.maxImageBytes ?? 8 * 1024 * 1024)
    const judgement = judge(prepared.prompt, this.#options.defs, prepared.targets, this.#options.files === undefined ? {} : { files: this.#options.files })
    if (!judgement.ok) {
      const located = judgement.issues.find((i) => i.nodeId !== undefined) ?? judgement.issues[0]
      throw new QueueInputError(`the servers would reject this graph:\n  ${judgement.reasons.join('\n  ')}`, judgement.issues, {
        path: located?.path ?? [],
      })
    }
    const data: ComfyJobData = {
      v: 1,
      prompt: prepared.promptText,
      images: prepared.images,
      ...(options.tags === undefined ? {} : { tags: options.tags }),
      ...(options.partialExecutionTargets === undefined ? {} : { partialExecutionTargets: options.partialExecutionTargets }),
      ...(prepared.template === undefined ? {} : { template: prepared.template }),
    }
    // A new job (no id of the caller's, which may name one that exists) added while events are read from before it:
    const followed = options.jobId === undefined && this.#eventsRead
    let job: Job<ComfyJobData>
    try {
      job = await this.queue.add(JOB_NAME, data, {
        ...(options.jobId === undefined ? {} : { jobId: options.jobId }),
        priority: options.priority ?? DEFAULT_PRIORITY,
        ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
        ...(options.delay === undefined ? {} : { delay: options.delay }),
      })
    } catch (error) {
      if (/custom id|jobid|priority/i.test((error as Error).message)) throw new QueueInputError(`enqueue: ${(error as Error).message}`, [], { cause: error })
      throw error
    }
    return new QueuedJob(this.#host, job.id as string, { followed })
  }

  /** Resolves once Redis answers; {@link RedisUnreachableError} after `timeout` ms (default 5000). */
  async connect(options: { readonly timeout?: number } = {}): Promise<void> {
    await within(this.queue.waitUntilReady(), this.#options.redis, options.timeout ?? 5000)
  }

  /** A handle on a job of this queue, enqueued here or anywhere else. */
  job(id: string): QueuedJob {
    return new QueuedJob(this.#host, id)
  }

  /** Jobs per state (waiting, active, completed, failed, delayed, prioritized). */
  counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized')
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const events = this.#events
    this.#events = undefined
    this.#eventsRead = false
    await Promise.all([this.queue.close(), events?.then((e) => e.close(), () => {})])
  }

  readonly #host: QueuedJobHost = {
    queue: () => this.queue,
    events: () => this.#queueEvents(),
    requestCancel: async (id) => {
      const client = await this.queue.client
      // The flag first (the durable record every worker checks before a POST), then the stream workers read:
      await client.set(cancelKey(this.prefix, this.name, id), '1', { EX: CANCEL_TTL_SECONDS })
      await client.xadd(cancelStreamKey(this.prefix, this.name), '*', { jobId: id }, { MAXLEN: CANCEL_STREAM_LENGTH, approximate: true })
    },
    placements: async (id) => {
      const client = await this.queue.client
      const text = await client.hget(this.queue.toKey(id), PLACEMENTS_FIELD)
      return text === null ? [] : (JSON.parse(text) as Placement[])
    },
    readFields: async (id, fields) => {
      const client = await this.queue.client
      return client.hmget(this.queue.toKey(id), ...fields)
    },
    cancelRequested: async (id) => {
      const client = await this.queue.client
      return (await client.get(cancelKey(this.prefix, this.name, id))) !== null
    },
  }

  #queueEvents(): Promise<QueueEvents> {
    if (this.#closed) return Promise.reject(new InvalidArgumentError('the queue is closed'))
    this.#events ??= (async () => {
      // Read from the stream's last entry as it is now: every event after this moment reaches the listeners.
      const from = await streamTail(await this.queue.client, this.queue.keys['events'] as string)
      const events = new QueueEvents(this.name, { connection: redisOptions(this.#options.redis), prefix: this.prefix, lastEventId: from })
      events.on('error', () => {})
      // One listener per waiting job and event:
      events.setMaxListeners(0)
      await events.waitUntilReady()
      this.#eventsRead = true
      return events
    })()
    return this.#events
  }
}

/** A producer of the queue `name` on `redis`, validating against `defs`. */
export function createQueue(options: ComfyQueueOptions): ComfyQueue {
  return new ComfyQueue(options)
}

function checkOptions(options: EnqueueOptions): void {
  if (options.priority !== undefined && (!Number.isInteger(options.priority) || options.priority < 1 || options.priority > 2_097_152)) {
    throw new QueueInputError(`priority must be an integer from 1 to 2097152 (1 runs first), received ${options.priority}`)
  }
  if (options.attempts !== undefined && (!Number.isInteger(options.attempts) || options.attempts < 1)) {
    throw new QueueInputError(`attempts must be a positive integer, received ${options.attempts}`)
  }
  if (options.jobId !== undefined && (options.jobId === '' || /^\d+$/.test(options.jobId) || options.jobId.includes(':'))) {
    throw new QueueInputError(`jobId must be a non-empty string that is not a number and has no ":", received ${JSON.stringify(options.jobId)}`)
  }
}
