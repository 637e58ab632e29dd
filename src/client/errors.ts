/**
 * Errors the client throws. Each carries the server's structured details; none carries request headers, so
 * auth tokens never reach a message, a log or a stack trace.
 * @module
 */
import type { NodeHandle } from '../dsl/output.js'
import { ComfyError, type ComfyErrorOptions } from '../errors.js'
import type { ExecutionErrorData, ExecutionInterruptedData, ServerError, ServerNodeError } from './protocol.js'

/** Base class of every error the client throws. */
export class ComfyClientError extends ComfyError {}

/** The server cannot be reached: refused connection, unknown host, TLS failure, reset socket. */
export class ServerUnreachableError extends ComfyClientError {
  constructor(
    /** The endpoint, without credentials or query values. */
    readonly url: string,
    /** The system or undici error code (`ECONNREFUSED`, `ENOTFOUND`, `DEPTH_ZERO_SELF_SIGNED_CERT`...). */
    readonly code: string | undefined,
    options: ComfyErrorOptions = {},
  ) {
    super(`cannot reach the ComfyUI server at ${url}${code === undefined ? '' : ` (${code})`}${describeCause(options.cause)}`, options)
  }
}

/** The server answered with an HTTP status the call does not expect (500 text/plain, 404, 403...). */
export class ServerHttpError extends ComfyClientError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    /** The start of the response body, as text. */
    readonly body: string,
    options: ComfyErrorOptions = {},
  ) {
    const snippet = body.trim().replace(/\s+/g, ' ').slice(0, 200)
    super(`${method} ${url}: HTTP ${status}${snippet ? `: ${snippet}` : ''}`, options)
  }
}

/** The server answered, but not in the protocol's shape (invalid JSON, a field of the wrong type). */
export class ServerProtocolError extends ComfyClientError {
  constructor(
    readonly url: string,
    readonly reason: string,
    options: ComfyErrorOptions = {},
  ) {
    super(`${url}: ${reason}`, options)
  }
}

/** A request got no complete answer within its timeout. */
export class RequestTimeoutError extends ComfyClientError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`${method} ${url}: no answer within ${timeoutMs} ms`)
  }
}

/** One node's validation errors, with the DSL node that produced it when the graph came from the DSL. */
export interface NodeErrorEntry extends ServerNodeError {
  readonly nodeId: string
  readonly node: NodeHandle | undefined
}

/** `POST /prompt` answered 400: the prompt failed the server's validation. */
export class PromptRejectedError extends ComfyClientError {
  constructor(
    readonly error: ServerError,
    readonly nodeErrors: readonly NodeErrorEntry[],
  ) {
    super(formatRejection(error, nodeErrors))
  }
}

/** Base class of the ways a submitted job can end without results. */
export class JobError extends ComfyClientError {
  constructor(
    readonly promptId: string,
    message: string,
    options: ComfyErrorOptions = {},
  ) {
    super(`job ${promptId}: ${message}`, options)
  }
}

/** A node raised during execution (`execution_error`). */
export class JobExecutionError extends JobError {
  readonly nodeId: string
  readonly nodeType: string
  readonly exceptionType: string
  readonly exceptionMessage: string
  readonly traceback: readonly string[]

  constructor(
    promptId: string,
    readonly data: ExecutionErrorData,
    readonly node: NodeHandle | undefined,
  ) {
    super(promptId, `node ${data.node_id} (${data.node_type}) failed: ${data.exception_type}: ${data.exception_message.trim()}`)
    this.nodeId = data.node_id
    this.nodeType = data.node_type
    this.exceptionType = data.exception_type
    this.exceptionMessage = data.exception_message
    this.traceback = data.traceback ?? []
  }
}

/** The job was interrupted or removed from the queue before it finished. */
export class JobInterruptedError extends JobError {
  constructor(
    promptId: string,
    /** True when this client cancelled it (`cancel()`, an aborted signal, a timeout of `run`). */
    readonly byClient: boolean,
    /** `running` when it was stopped while executing, `queued` when it was removed before it started. */
    readonly phase: 'queued' | 'running',
    readonly data: ExecutionInterruptedData | undefined,
    options: ComfyErrorOptions = {},
  ) {
    const who = byClient ? 'cancelled' : 'interrupted on the server'
    const where = data === undefined ? '' : ` at node ${data.node_id} (${data.node_type})`
    super(promptId, phase === 'queued' ? `${who} before it started` : `${who}${where}`, options)
  }
}

/** `wait()` or `run()` gave up after its timeout. */
export class JobTimeoutError extends JobError {
  constructor(
    promptId: string,
    readonly timeoutMs: number,
    readonly lastStatus: string,
    options: ComfyErrorOptions = {},
  ) {
    super(promptId, `not finished after ${timeoutMs} ms (last known status: ${lastStatus})`, options)
  }
}

/** The server no longer knows the job: it restarted, or someone deleted the job from its queue or history. */
export class JobLostError extends JobError {
  constructor(promptId: string, reason: string) {
    super(promptId, reason)
  }
}

/** The client was closed while the job was still being waited for. */
export class ClientClosedError extends ComfyClientError {
  constructor() {
    super('the client was closed')
  }
}

/** A file name from the server that would leave the destination folder, or an unusable local name. */
export class UnsafeFileNameError extends ComfyClientError {
  constructor(
    readonly fileName: string,
    readonly reason: string,
  ) {
    super(`refusing file name ${JSON.stringify(fileName)}: ${reason}`)
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error && cause.message) return `: ${cause.message}`
  return ''
}

function formatRejection(error: ServerError, nodeErrors: readonly NodeErrorEntry[]): string {
  const lines = [`prompt rejected: ${error.type}: ${error.message}${error.details ? ` (${error.details})` : ''}`]
  for (const entry of nodeErrors) {
    const title = entry.node?.title
    const name = `node ${entry.nodeId} (${entry.class_type}${title === undefined ? '' : `, "${title}"`})`
    for (const e of entry.errors) {
      lines.push(`  ${name}: ${e.message}${e.details ? `: ${e.details}` : ''}`)
    }
  }
  return lines.join('\n')
}

/**
 * The answer to `POST /prompt` was lost and, until the deadline, the server could not be asked whether it took
 * the prompt. The client never posts it again (that could run it twice); it asked the server, in the
 * background, to delete `promptId` from its queue and to interrupt it if it runs.
 */
export class SubmitUnconfirmedError extends JobTimeoutError {
  constructor(promptId: string, timeoutMs: number, options: ComfyErrorOptions = {}) {
    super(promptId, timeoutMs, 'unknown', options)
    this.message = `job ${promptId}: the server may have queued it, but could not be asked within ${timeoutMs} ms; not posted again, and a delete from its queue was sent${describeCause(options.cause)}`
  }
}

/** A WebSocket message larger than the client's `maxMessageSize`: the socket is dropped and the client polls. */
export class MessageTooLargeError extends ComfyClientError {
  constructor(
    readonly url: string,
    readonly limit: number,
  ) {
    super(`the ComfyUI server at ${url} sent a WebSocket message larger than ${limit} bytes (maxMessageSize); dropped the socket, polling instead`)
  }
}

/** A download larger than its limit, refused while streaming (nothing beyond the limit is read or kept). */
export class DownloadTooLargeError extends ComfyClientError {
  constructor(
    readonly url: string,
    readonly fileName: string,
    readonly limit: number,
  ) {
    super(`${fileName} from the ComfyUI server at ${url} is larger than ${limit} bytes; download stopped`)
  }
}
