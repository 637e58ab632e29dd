/**
 * The ComfyUI client (Node only: undici HTTP and WebSocket, files, sharp).
 *
 * ```ts
 * const client = new ComfyClient({ url: 'http://127.0.0.1:8188' })
 * const results = await client.run([save], { images: { 'Load Image': './cat.png' }, timeout: 120_000 })
 * await results.saveAll('./out')
 * await client.close()
 * ```
 * @module
 */
export { ComfyClient } from './client.js'
export type { ComfyJob, ComfyRunner } from './runner.js'
export { ComfyPool } from './pool/pool.js'
export type { ComfyPoolOptions, PoolEvents, PoolRunOptions, PoolSubmitOptions } from './pool/pool.js'
export { PoolJob } from './pool/pool-job.js'
export type { PoolServerInfo, PoolServerSpec, ServerState } from './pool/server.js'
export { NoCapableServerError, TooManyMovesError } from './pool/errors.js'
export type { ClientEvents, ComfyClientOptions, LookupOptions, PromptFate, RunOptions, SubmitOptions } from './client.js'
export { Job, statusOfHistory } from './job.js'
export type { WaitOptions } from './job.js'
export type { JobEvent, JobEventListener, JobStatus } from './events.js'
export { OutputFile } from './outputs.js'
export type { DownloadOptions, JobResults, JobTiming, NodeResult, SaveOptions } from './outputs.js'
export type { GraphInput, ImageInputKey } from './graph.js'
export type { MaskUploadOptions, UploadedImage, UploadOptions, UploadSource } from './upload.js'
export type { ReconnectOptions } from './socket.js'
export { compareDefs } from './drift.js'
export type { DefDrift } from './drift.js'
export { checkFileName } from './files.js'
export {
  ClientClosedError,
  ComfyClientError,
  JobError,
  JobExecutionError,
  JobInterruptedError,
  JobLostError,
  JobTimeoutError,
  DownloadTooLargeError,
  MessageTooLargeError,
  PromptRejectedError,
  RequestTimeoutError,
  ServerHttpError,
  ServerProtocolError,
  ServerUnreachableError,
  SubmitUnconfirmedError,
  UnsafeFileNameError,
} from './errors.js'
export type { NodeErrorEntry } from './errors.js'
export type * from './protocol.js'
// The edit flow (sharp, the templates, the generated factories) loads on first use, not with the client:
export { edit } from './edit-lazy.js'
export { EditError } from '../edit/errors.js'
export type { EditMask, EditOptions, EditParams, EditResult } from '../edit/edit.js'
