/** The exit code of a command that ran a job: interrupted, rejected or failed on the server, unreachable, or unusable input. */
import { EXIT, exitCodeFor, reportError, type CliIo } from './io.js'

export function jobExitCode(error: unknown, aborted: boolean, io: CliIo): number {
  if (aborted) {
    io.stderr.write(`${error instanceof Error && error.name === 'JobInterruptedError' ? error.message : 'interrupted'}\n`)
    return EXIT.interrupted
  }
  reportError(error, io)
  return exitCodeFor(error)
}
