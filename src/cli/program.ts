/**
 * The `comfy-dsl` command-line program: one commander program, one file per command in `commands/`.
 * @module
 */
import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { commandSummaries, loadCommand } from './commands/index.js'
import { EXIT, reportError, type CliCommand, type CliIo } from './io.js'
import { terminalSafeIo } from './terminal-safe.js'

export { EXIT, reportError } from './io.js'
export type { CliCommand, CliIo } from './io.js'

/** The package's version (`comfy-dsl --version`); the same relative path from src/ and dist/. */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
  return (JSON.parse(text) as { version: string }).version
}

/**
 * Runs the CLI with `argv` (without node and script) and resolves to the exit code.
 * `only` restricts the program to some commands (tests of one command use it).
 */
export async function runCli(argv: readonly string[], given: CliIo, only?: readonly CliCommand[]): Promise<number> {
  // Everything any command prints goes through here: control characters from servers and files are escaped.
  const io = terminalSafeIo(given)
  let exitCode: number | undefined
  const done = (code: number): void => {
    exitCode = code
  }
  const program = new Command('comfy-dsl')
    .description('Typed ComfyUI graphs: codegen, validation, conversion and a client')
    .version(packageVersion(), '-V, --version', 'print the version of comfy-dsl')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError()
  // Only the invoked command's module is loaded; the others appear in --help by their summaries alone:
  const invoked = only === undefined ? await loadCommand(argv[0]) : undefined
  if (only !== undefined) for (const command of only) command.register(program, io, done)
  else if (invoked !== undefined) invoked.register(program, io, done)
  else for (const [name, summary] of commandSummaries()) program.command(name).summary(summary).description(summary)
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
