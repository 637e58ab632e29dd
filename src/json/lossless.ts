/**
 * JSON that keeps integers above 2^53 exact: ComfyUI seeds go up to 2^64 - 1, and `JSON.parse` would round them.
 * Integers that are not safe JavaScript numbers become `bigint`; everything else is a plain JSON value.
 * @module
 */
import { parse as losslessParse } from './lossless-json.js'
import { JsonParseError, SerializationError, type IssuePath } from '../errors.js'
import { assertJsonDepth } from './depth.js'
import { scanJson } from './scan.js'

/** A JSON value as read by {@link parseJson}: numbers beyond 2^53 are bigints. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue }

// Marks an unsafe integer rewritten as a string for JSON.parse. The nonce keeps a string of the document that
// happens to start the same way from being taken for one:
const NONCE = Math.random().toString(36).slice(2)
const BIGINT_MARK = `\u0000bigint:${NONCE}:`
// The mark as it is written into JSON text (JSON.parse refuses a raw NUL in a string; it reads `\u0000` as one):
const BIGINT_MARK_JSON = `\\u0000bigint:${NONCE}:`
// The mark as JSON.stringify writes it (NUL escaped), around the digits:
const BIGINT_STRING = new RegExp(`"\\\\u0000bigint:${NONCE}:(-?\\d+)"`, 'g')

/**
 * Parses JSON text; throws {@link JsonParseError} with line and column on bad input, {@link JsonDepthError} for
 * nesting deeper than 1,000 levels and {@link JsonIntegerTooLongError} for integers over 4,300 digits (both with
 * the JSON path). Linear time on every input. Duplicate keys: the last one wins (as in `JSON.parse` and Python);
 * a `"__proto__"` key becomes an own property, never a prototype.
 */
export function parseJson(text: string, options: { file?: string } = {}): JsonValue {
  const scan = scanJson(text, options.file === undefined ? {} : { file: options.file })
  const unsafe = scan.unsafeIntegers
  try {
    if (unsafe.length === 0) return JSON.parse(text) as JsonValue
    // Unsafe integers become marked strings before JSON.parse (3x faster than a lossless parser), then bigints:
    const parts: string[] = []
    let from = 0
    for (let k = 0; k < unsafe.length; k += 2) {
      const start = unsafe[k] as number
      const end = unsafe[k + 1] as number
      parts.push(text.slice(from, start), '"', BIGINT_MARK_JSON, text.slice(start, end), '"')
      from = end
    }
    parts.push(text.slice(from))
    return reviveBigints(JSON.parse(parts.join('')) as JsonValue, scan.unsafeIntegerPaths)
  } catch {
    // Node 20's JSON.parse gives no position; the lossless parser does, so it reports the error. The scan bounded
    // the nesting it can reach, so its recursion is safe.
  }
  const unterminated = scan.unterminatedString
  if (unterminated < 0) {
    try {
      // Not expected to succeed; if it does, the value is still right, only slower to get:
      return losslessParse(text, null, LOSSLESS) as JsonValue
    } catch (error) {
      throw parseError(text, error, options.file).error
    }
  }
  // A string that never ends (found by the scan): the lossless parser, slow on long strings, reads only the text
  // before it, for an earlier error; if there is none, the string is the error.
  try {
    losslessParse(text.slice(0, unterminated), null, LOSSLESS)
  } catch (error) {
    const parsed = parseError(text, error, options.file)
    if (parsed.offset < unterminated) throw parsed.error
  }
  const { line, column } = lineAndColumn(text, unterminated)
  throw new JsonParseError('unterminated string', line, column, options.file === undefined ? {} : { file: options.file })
}

const LOSSLESS = {
  parseNumber: (n: string): number | bigint => (isSafeOrFloat(n) ? Number(n) : BigInt(n)),
  onDuplicateKey: ({ newValue }: { newValue: unknown }): unknown => newValue,
}

/** The lossless parser's error as a JsonParseError with line and column, and its offset. */
function parseError(text: string, error: unknown, file: string | undefined): { error: JsonParseError; offset: number } {
  const message = error instanceof Error ? error.message : String(error)
  const position = /position (\d+)/.exec(message)
  const offset = position ? Number(position[1]) : 0
  const { line, column } = lineAndColumn(text, offset)
  return { error: new JsonParseError(message.replace(/ at position \d+/, ''), line, column, file === undefined ? {} : { file }), offset }
}

function isSafeOrFloat(literal: string): boolean {
  return !/^-?\d+$/.test(literal) || Number.isSafeInteger(Number(literal))
}

/**
 * Turns the marked strings at `paths` (where the scan found the unsafe integers) into bigints, without walking the
 * rest of the value. With duplicate keys a path may lead to a later value, or to one already revived: only a
 * marked string is replaced, with the digits it carries, so each surviving mark is revived once.
 */
function reviveBigints(root: JsonValue, paths: readonly IssuePath[]): JsonValue {
  let value = root
  for (const path of paths) {
    if (path.length === 0) {
      value = revivedString(value)
      continue
    }
    let parent: JsonValue | undefined = value
    for (let i = 0; i < path.length - 1 && parent !== undefined; i++) parent = ownItem(parent, path[i] as string | number)
    if (parent === undefined || parent === null || typeof parent !== 'object') continue
    const key = path[path.length - 1] as string | number
    const item = ownItem(parent, key)
    if (typeof item !== 'string' || !item.startsWith(BIGINT_MARK)) continue
    if (Array.isArray(parent)) parent[key as number] = revivedString(item)
    else defineOwn(parent, String(key), revivedString(item))
  }
  return value
}

/** An own item of an object or array (never an inherited one, such as `__proto__`'s getter). */
function ownItem(container: JsonValue, key: string | number): JsonValue | undefined {
  if (container === null || typeof container !== 'object') return undefined
  if (Array.isArray(container)) return typeof key === 'number' ? container[key] : undefined
  return typeof key === 'string' && Object.hasOwn(container, key) ? container[key] : undefined
}

function revivedString(value: JsonValue): JsonValue {
  return typeof value === 'string' && value.startsWith(BIGINT_MARK) ? BigInt(value.slice(BIGINT_MARK.length)) : value
}

// Plain assignment to an own "__proto__" key would reach the inherited setter:
function defineOwn(target: Record<string, JsonValue>, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
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
  } catch (error) {
    // V8 writes nested values recursively: too deep a value is named by its path instead of a stack overflow.
    if (error instanceof RangeError) assertJsonDepth(value)
    throw error
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
