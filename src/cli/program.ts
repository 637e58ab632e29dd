/**
 * The `comfy-dsl` command-line program: one commander program, one file per command in `commands/`.
 * @module
 */
import { Command, CommanderError } from 'commander'
import { ComfyError } from '../errors.js'
import { commands } from './commands/index.js'

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

/**
 * Runs the CLI with `argv` (without node and script) and resolves to the exit code.
 * `only` restricts the program to some commands (tests of one command use it).
 */
export async function runCli(argv: readonly string[], io: CliIo, only: readonly CliCommand[] = commands): Promise<number> {
  let exitCode: number | undefined
  const done = (code: number): void => {
    exitCode = code
  }
  const program = new Command('comfy-dsl')
    .description('Typed ComfyUI graphs: codegen, validation, conversion and a client')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError()
  for (const command of only) command.register(program, io, done)
  try {
    await program.parseAsync([...argv], { from: 'user' })
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with code 0:
      return error.exitCode === 0 ? EXIT.ok : EXIT.unusable
    }
    return reportError(error, io)
  }
  return exitCode ?? EXIT.ok
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
