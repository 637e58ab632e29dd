/**
 * Errors of the pool.
 * @module
 */
import { ComfyClientError } from '../errors.js'

/** No server of the pool can run the graph: the reasons, per server. */
export class NoCapableServerError extends ComfyClientError {
  constructor(
    /** Why each server cannot run it (validation issues, tags, unreachable), by server URL. */
    readonly reasons: ReadonlyMap<string, readonly string[]>,
  ) {
    const lines = ['no server of the pool can run this graph:']
    for (const [server, why] of reasons) {
      lines.push(`  ${server}:`)
      for (const reason of why.slice(0, 5)) lines.push(`    ${reason}`)
      if (why.length > 5) lines.push(`    ... and ${why.length - 5} more`)
    }
    super(lines.join('\n'))
  }
}

/** The job was moved between servers more often than the pool allows; the last server's error is the cause. */
export class TooManyMovesError extends ComfyClientError {
  constructor(
    readonly promptId: string,
    readonly moves: number,
    options: { cause?: unknown } = {},
  ) {
    super(`job ${promptId}: moved ${moves} times without completing; giving up`, options)
  }
}
