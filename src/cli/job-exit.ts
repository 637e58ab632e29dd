/** The exit code of a command that ran a job: interrupted, failed on the server, or unusable input. */
import { ComfyClientError, JobInterruptedError } from '../client/index.js'
import { EXIT, reportError, type CliIo } from './io.js'

export function jobExitCode(error: unknown, aborted: boolean, io: CliIo): number {
  if (aborted) {
    io.stderr.write(`${error instanceof JobInterruptedError ? error.message : 'interrupted'}\n`)
    return EXIT.interrupted
  }
  // Rejected prompts, failed or lost jobs, unreachable servers: the run failed; other typed errors: bad input.
  if (error instanceof ComfyClientError) {
    io.stderr.write(`error: ${error.message}\n`)
    return EXIT.failed
  }
  return reportError(error, io)
}
