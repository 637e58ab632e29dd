/**
 * What every command shares: the exit codes, the streams it writes to, the command interface, and how an error
 * becomes a message and an exit code.
 * @module
 */
import type { Command } from 'commander'
import { ComfyError } from '../errors.js'

/**
 * Exit codes shared by every command (the README's table):
 * 0 done; 1 rejected or failed (a verdict, a job, a stale --check); 2 unusable input (bad flags, unreadable or
 * malformed files, an output that exists without --overwrite); 3 server unreachable; 130 interrupted (Ctrl-C).
 */
export const EXIT = { ok: 0, failed: 1, unusable: 2, unreachable: 3, interrupted: 130 } as const

/** Where a command reads and writes; tests pass buffers instead of the process streams. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean }
  readonly stderr: { write(text: string): unknown; isTTY?: boolean }
  /** Read by `-` in place of an input file (the process's stdin when absent). */
  readonly stdin?: AsyncIterable<string | Uint8Array>
  readonly cwd: string
  readonly env: Readonly<Record<string, string | undefined>>
}

export interface CliCommand {
  /** Adds the command to the program; its action must call `done(code)` exactly once. */
  register(program: Command, io: CliIo, done: (code: number) => void): void
}

/** An error the CLI itself raises about its flags or files (exit 2 unless `exitCode` says otherwise). */
export class CliUsageError extends ComfyError {}

/** Server errors the client and the definitions loader raise when nothing answers, and the queue's for Redis (exit 3). */
const UNREACHABLE = new Set(['ServerUnreachableError', 'RedisUnreachableError'])
/** Errors of a job that ran or was judged: the server rejected or failed it (exit 1). */
const FAILED = new Set([
  'PromptRejectedError',
  'JobError',
  'JobExecutionError',
  'JobLostError',
  'JobTimeoutError',
  'ServerHttpError',
  'ServerProtocolError',
  'RequestTimeoutError',
  'StaleGeneratedCodeError',
  // A queue job that failed, was cancelled elsewhere, or was not there (the durable queue's errors):
  'QueueJobFailedError',
  'QueueJobCancelledError',
  'QueueJobNotFoundError',
  'QueueWaitTimeoutError',
])

/**
 * The exit code an error stands for. Matched by class name along the prototype chain so that this module does
 * not load the client to classify its errors.
 */
export function exitCodeFor(error: unknown): number {
  for (let proto = error; proto !== null && typeof proto === 'object'; proto = Object.getPrototypeOf(proto) as unknown) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? ''
    if (name === 'JobInterruptedError') return EXIT.interrupted
    if (UNREACHABLE.has(name)) return EXIT.unreachable
    if (FAILED.has(name)) return EXIT.failed
  }
  if (isUnreachableCause(error)) return EXIT.unreachable
  return error instanceof ComfyError ? EXIT.unusable : EXIT.failed
}

// A definitions server that refuses the connection shows up as a network error code in the cause chain:
function isUnreachableCause(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_SOCKET)$/.test(code)) return true
  }
  return false
}

/** Prints an error as one readable line (typed errors) or with its stack (bugs), and returns its exit code. */
export function reportError(error: unknown, io: CliIo): number {
  if (error instanceof ComfyError) {
    io.stderr.write(`error: ${error.message}\n`)
    return exitCodeFor(error)
  }
  io.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  return EXIT.failed
}
