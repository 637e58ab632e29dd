/**
 * The `comfy-dsl` command-line program: one commander program, one file per command in `commands/`.
 * @module
 */
import { Command, CommanderError } from 'commander'
import { loadCommands } from './commands/index.js'
import { EXIT, reportError, type CliCommand, type CliIo } from './io.js'

export { EXIT, reportError } from './io.js'
export type { CliCommand, CliIo } from './io.js'

/**
 * Runs the CLI with `argv` (without node and script) and resolves to the exit code.
 * `only` restricts the program to some commands (tests of one command use it).
 */
export async function runCli(argv: readonly string[], io: CliIo, only?: readonly CliCommand[]): Promise<number> {
  // Only the invoked command's module is loaded (sharp, undici, ts-morph stay unloaded for the others):
  const commands = only ?? (await loadCommands(argv[0]))
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
  for (const command of commands) command.register(program, io, done)
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

