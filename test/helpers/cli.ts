/** Runs CLI commands in-process with captured output. */
import { runCli, type CliCommand, type CliIo } from '../../src/cli/program.js'

export interface CliRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export async function runCommand(
  argv: readonly string[],
  options: { only?: readonly CliCommand[]; cwd?: string; env?: Record<string, string | undefined>; stdin?: readonly string[] } = {},
): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
    ...(options.stdin === undefined ? {} : { stdin: toAsync(options.stdin) }),
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
  }
  const code = await runCli(argv, io, options.only)
  return { code, stdout, stderr }
}

async function* toAsync(chunks: readonly string[]): AsyncIterable<string> {
  yield* chunks
}
