/**
 * The validation differences between ComfyUI releases that a verdict depends on.
 * @module
 */
import { InvalidArgumentError } from '../errors.js'

/** The release whose behaviour `validate` reproduces when nothing else is known. */
export const LATEST_SERVER_VERSION = '0.26.0'

export interface ServerBehaviour {
  readonly version: string
  /** v0.12 renamed `invalid_prompt` (missing or unknown class) to `missing_node_type`. */
  readonly missingNodeType: boolean
  /** v0.20 reports `dependency_cycle`; before, a cycle recursed until Python's RecursionError. */
  readonly dependencyCycle: boolean
}

/** Parses `"0.8.0"`, `"v0.26.0"`, `"0.3.45"` (a missing patch counts as 0). */
export function serverBehaviour(version: string): ServerBehaviour {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim())
  if (!match) {
    throw new InvalidArgumentError(`serverVersion: expected a ComfyUI version like "0.26.0", received "${version}"`)
  }
  const parts = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] as const
  const atLeast = (minor: number): boolean => parts[0] > 0 || parts[1] >= minor
  return {
    version: parts.join('.'),
    missingNodeType: atLeast(12),
    dependencyCycle: atLeast(20),
  }
}
