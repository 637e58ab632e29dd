/**
 * `comfy-dsl/queue` (Node only): a durable job queue on BullMQ and Redis. Producers enqueue graphs or templates
 * from any process or machine; workers run them through a `ComfyPool`, exactly once on the GPU.
 *
 * ```ts
 * const queue = createQueue({ redis: 'redis://127.0.0.1:6379', defs })
 * const job = await queue.enqueue({ template: 'img2img_default', params: { positive: 'a fox' } }, { images: { image: './cat.png' } })
 * const results = await job.wait()
 * await results.saveAll('out')
 *
 * const worker = createWorker({ redis: 'redis://127.0.0.1:6379', servers: ['http://gpu1:8188', 'http://gpu2:8188'] })
 * process.once('SIGTERM', () => void worker.close())
 * ```
 * @module
 */
export { createQueue, ComfyQueue, DEFAULT_PRIORITY } from './producer.js'
export type { ComfyQueueOptions, EnqueueOptions } from './producer.js'
export { QueuedJob } from './handle.js'
export type { QueueJobState, QueueWaitOptions } from './handle.js'
export { createWorker, ComfyWorker } from './worker.js'
export type { ComfyWorkerOptions, WorkerEvents } from './worker.js'
export { QueueOutputFile } from './results.js'
export type { QueueResults, ResultStorage } from './results.js'
export type { EnqueueInput, QueueImageSource, TemplateInput } from './inputs.js'
export type { FileStorage, Placement, QueueProgress } from './job-data.js'
export { promptIdOf } from './job-data.js'
export type { RedisConnection } from './connection.js'
export {
  QueueError,
  QueueInputError,
  QueueJobCancelledError,
  QueueJobFailedError,
  QueueJobNotFoundError,
  QueueWaitTimeoutError,
  RedisUnreachableError,
} from './errors.js'
