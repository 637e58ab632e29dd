/**
 * JSON that keeps integers above 2^53 exact: ComfyUI seeds go up to 2^64 - 1, and `JSON.parse` would round them.
 * Integers that are not safe JavaScript numbers become `bigint`; everything else is a plain JSON value.
 * @module
 */
import { parse as losslessParse } from './lossless-json.js'
import { JsonParseError, SerializationError } from '../errors.js'

/** A JSON value as read by {@link parseJson}: numbers beyond 2^53 are bigints. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue }

// An integer literal with 16 or more digits may be unsafe; without one, JSON.parse is exact:
const LONG_DIGITS = /\d{16}/
// Strings (skipped) or a whole integer literal of 16+ digits (not part of a fraction or exponent):
const STRING_OR_LONG_INT = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d{16,}(?![.eE\d])/g
const BIGINT_MARK = '\u0000bigint:'

/** Parses JSON text; throws {@link JsonParseError} with line and column on bad input. */
export function parseJson(text: string, options: { file?: string } = {}): JsonValue {
  try {
    if (!LONG_DIGITS.test(text)) return JSON.parse(text) as JsonValue
    // Unsafe integers become marked strings before JSON.parse (3x faster than a lossless parser), then bigints:
    let marked = 0
    const rewritten = text.replace(STRING_OR_LONG_INT, (match) => {
      if (match.charCodeAt(0) === 34 || Number.isSafeInteger(Number(match))) return match
      marked++
      return JSON.stringify(BIGINT_MARK + match)
    })
    const value = JSON.parse(rewritten) as JsonValue
    return marked > 0 ? reviveBigints(value) : value
  } catch {
    // Node 20's JSON.parse gives no position; the lossless parser does, so it reports the error:
  }
  try {
    // Not expected to succeed; if it does, the value is still right, only slower to get:
    return losslessParse(text, null, (n) => (isSafeOrFloat(n) ? Number(n) : BigInt(n))) as JsonValue
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const position = /position (\d+)/.exec(message)
    const offset = position ? Number(position[1]) : 0
    const { line, column } = lineAndColumn(text, offset)
    const detail = message.replace(/ at position \d+/, '')
    throw new JsonParseError(detail, line, column, options.file === undefined ? {} : { file: options.file })
  }
}

function isSafeOrFloat(literal: string): boolean {
  return !/^-?\d+$/.test(literal) || Number.isSafeInteger(Number(literal))
}

function reviveBigints(value: JsonValue): JsonValue {
  if (typeof value === 'string') {
    return value.startsWith(BIGINT_MARK) ? BigInt(value.slice(BIGINT_MARK.length)) : value
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i] as JsonValue
      if (needsRevive(item)) value[i] = reviveBigints(item)
    }
  } else if (value !== null && typeof value === 'object') {
    for (const key in value) {
      const item = value[key] as JsonValue
      if (needsRevive(item)) value[key] = reviveBigints(item)
    }
  }
  return value
}

function needsRevive(value: JsonValue): boolean {
  return (typeof value === 'object' && value !== null) || (typeof value === 'string' && value.charCodeAt(0) === 0)
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}

const BIGINT_STRING = /"\\u0000bigint:(-?\d+)"/g

/**
 * `JSON.stringify` that writes bigints as exact integer literals.
 * The caller is responsible for values JSON cannot hold (NaN, functions): see `toPrompt`, which checks them first.
 */
export function stringifyJson(value: unknown, indent?: number | string): string {
  let sawBigint = false
  exactWriters++
  let text: string | undefined
  try {
    text = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') {
        sawBigint = true
        return BIGINT_MARK + v.toString()
      }
      return v
    },
    indent,
  )
  } finally {
    exactWriters--
  }
  if (text === undefined) return 'null'
  return sawBigint ? text.replace(BIGINT_STRING, '$1') : text
}

// How many stringifyJson calls are running (JSON.stringify is synchronous; nesting only through toJSON methods):
let exactWriters = 0

/**
 * Makes `JSON.stringify(value)` fail with a message that says what to do, for a value holding integers beyond
 * 2^53 (which `JSON.stringify` cannot write): a non-enumerable `toJSON` that throws {@link SerializationError}
 * naming where the first one is. {@link stringifyJson} still writes the value exactly. Returns `value`.
 */
export function guardExactIntegers<T extends object>(value: T, what: string, where: string, example: bigint): T {
  Object.defineProperty(value, 'toJSON', {
    enumerable: false,
    configurable: true,
    writable: true,
    value: function toJSON(this: T): T {
      if (exactWriters > 0) return this
      throw new SerializationError(
        undefined,
        undefined,
        `${what} holds an integer beyond 2^53 (${where}: ${example}n) that JSON.stringify cannot write; ` +
          'use stringifyJson() or toPromptJson() from comfy-dsl, which write it exactly',
      )
    },
  })
  return value
}

/** The first bigint beyond the safe integers inside `value`, with its JSON path, or undefined. */
export function findUnsafeInteger(value: unknown, path = '$'): { path: string; value: bigint } | undefined {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) && BigInt(Number(value)) === value ? undefined : { path, value }
  if (value === null || typeof value !== 'object') return undefined
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnsafeInteger(value[i], `${path}[${i}]`)
      if (found) return found
    }
    return undefined
  }
  for (const key of Object.keys(value)) {
    const found = findUnsafeInteger((value as Record<string, unknown>)[key], `${path}.${key}`)
    if (found) return found
  }
  return undefined
}
