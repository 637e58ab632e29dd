/**
 * What every command shares: exit codes, the streams it writes to, the command interface, error reporting.
 * @module
 */
import type { Command } from 'commander'
import { ComfyError } from '../errors.js'

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, unusable: 2, interrupted: 130 } as const

/** Where a command writes; tests pass buffers instead of the process streams. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean }
  readonly stderr: { write(text: string): unknown; isTTY?: boolean }
  readonly cwd: string
  readonly env: Readonly<Record<string, string | undefined>>
}

export interface CliCommand {
  /** Adds the command to the program; its action must call `done(code)` exactly once. */
  register(program: Command, io: CliIo, done: (code: number) => void): void
}

/** Prints an error as one readable line (typed errors) or with its stack (bugs), and picks the exit code. */
export function reportError(error: unknown, io: CliIo): number {
  if (error instanceof ComfyError) {
    io.stderr.write(`error: ${error.message}\n`)
    return EXIT.unusable
  }
  io.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  return EXIT.failed
}
