/** The exit code of a command that ran a job: interrupted, rejected or failed on the server, unreachable, or unusable input. */
import { EXIT, exitCodeFor, reportError, type CliIo } from './io.js'
import type { Report } from './output.js'

/** Reports the job's failure (in the `--json` document, or on stderr) and returns the exit code. */
export function jobExitCode(error: unknown, aborted: boolean, io: CliIo, report: Report): number {
  if (report.json) return report.finish(aborted ? (report.fail(error), EXIT.interrupted) : report.fail(error))
  if (aborted) {
    io.stderr.write(`${error instanceof Error && error.name === 'JobInterruptedError' ? error.message : 'interrupted'}\n`)
    return EXIT.interrupted
  }
  reportError(error, io)
  return exitCodeFor(error)
}
