/**
 * Whether an output's type may feed an input, as `comfy_execution/validation.py::validate_node_input` decides
 * it in non-strict mode (the mode validation uses).
 * @module
 */
import { pyEquals } from './python.js'

const ANY = '*'
const MATCH_TYPE = 'COMFY_MATCHTYPE_V3'

/**
 * `received` is the output's declared type (a string, or an option list for combo-list outputs); `input` is the
 * input's type as the server sees it (a string, or the option list of a V1 combo).
 */
export function linkTypeMatches(received: unknown, input: unknown): boolean {
  if (received === input) return true
  if ((typeof received !== 'string' || typeof input !== 'string') && pyEquals(received, input)) return true
  if (received === ANY || input === ANY) return true
  if (received === MATCH_TYPE || input === MATCH_TYPE) return true
  // Custom nodes that output a combo's option list may feed a V3 COMBO input:
  if (Array.isArray(received) && input === 'COMBO') return true
  // A V1 combo input's type is its option list: only an identical list (or the wildcards above) matches it.
  if (typeof received !== 'string' || typeof input !== 'string') return false
  const receivedTypes = splitUnion(received)
  const inputTypes = splitUnion(input)
  if (receivedTypes.has(ANY) || inputTypes.has(ANY)) return true
  for (const type of receivedTypes) if (inputTypes.has(type)) return true
  return false
}

function splitUnion(type: string): Set<string> {
  return new Set(type.split(',').map((t) => t.trim()))
}
