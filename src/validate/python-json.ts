/**
 * JSON read the way the server's `json.loads` reads it, for verdicts that depend on what JS parsing loses:
 * key order (JS objects put integer-like keys first), floats written with a fraction (`0.0` is a float, not
 * an int, which matters for a link's slot), `NaN`/`Infinity` tokens (Python accepts them) and integers beyond
 * 2^53 (kept as bigint).
 * @module
 */
import { JsonDepthError, JsonIntegerTooLongError, JsonParseError, MAX_INTEGER_DIGITS, MAX_JSON_DEPTH, type IssuePath } from '../errors.js'
import { PyFloat } from './python.js'

const KEY_ORDER = Symbol('comfy-dsl.pythonKeyOrder')

/** The keys of an object read by {@link parsePythonJson} in their JSON order, when that differs from JS order. */
export function keyOrderOf(value: object): readonly string[] | undefined {
  return (value as { [KEY_ORDER]?: readonly string[] })[KEY_ORDER]
}

/**
 * Records the order Python would hold `value`'s keys in (insertion order, which JS objects do not keep for
 * integer-like keys), for writers that honour {@link keyOrderOf}. Returns `value`.
 */
export function withKeyOrder<T extends object>(value: T, keys: readonly string[]): T {
  Object.defineProperty(value, KEY_ORDER, { value: [...keys], enumerable: false, configurable: true })
  return value
}

type Container = { kind: 'object'; value: Record<string, unknown>; keys: string[]; key: string | undefined } | { kind: 'array'; value: unknown[] }

/**
 * Parses JSON text like Python's `json.loads`; throws JsonParseError with line and column, and (where the server's
 * `json.loads` raises RecursionError or ValueError) JsonDepthError past 1,000 levels and JsonIntegerTooLongError
 * past 4,300 digits, both with the JSON path.
 */
export function parsePythonJson(text: string, options: { file?: string } = {}): unknown {
  let pos = 0
  const file = options.file === undefined ? {} : { file: options.file }
  const lineAndColumn = (): { line: number; column: number } => {
    let line = 1
    let lineStart = 0
    for (let i = 0; i < pos && i < text.length; i++) {
      if (text.charCodeAt(i) === 10) {
        line++
        lineStart = i + 1
      }
    }
    return { line, column: pos - lineStart + 1 }
  }
  const fail = (detail: string): never => {
    const { line, column } = lineAndColumn()
    throw new JsonParseError(detail, line, column, file)
  }
  // Where the value being read sits: the key or index at each open container.
  const currentPath = (): IssuePath => stack.map((c) => (c.kind === 'array' ? c.value.length : (c.key ?? '')))
  const skipSpace = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos)
      if (c === 32 || c === 9 || c === 10 || c === 13) pos++
      else return
    }
  }
  const stack: Container[] = []
  let result: unknown
  let done = false

  const deliver = (value: unknown): void => {
    const top = stack[stack.length - 1]
    if (top === undefined) {
      result = value
      done = true
    } else if (top.kind === 'array') top.value.push(value)
    else {
      const key = top.key as string
      if (!Object.hasOwn(top.value, key)) top.keys.push(key)
      Object.defineProperty(top.value, key, { value, enumerable: true, writable: true, configurable: true })
      top.key = undefined
    }
  }

  const close = (): void => {
    const top = stack.pop() as Container
    if (top.kind === 'object') {
      const jsOrder = Object.keys(top.value)
      if (jsOrder.some((key, i) => key !== top.keys[i])) {
        Object.defineProperty(top.value, KEY_ORDER, { value: top.keys, enumerable: false })
      }
    }
    deliver(top.value)
  }

  // After a value inside a container: `,` or the closing bracket.
  const afterValue = (): void => {
    for (;;) {
      const top = stack[stack.length - 1]
      if (top === undefined) return
      skipSpace()
      const c = text[pos]
      if (c === ',') {
        pos++
        return
      }
      if ((c === ']' && top.kind === 'array') || (c === '}' && top.kind === 'object')) {
        pos++
        close()
        continue
      }
      fail(top.kind === 'array' ? "Expecting ',' delimiter or ']'" : "Expecting ',' delimiter or '}'")
    }
  }

  while (!done) {
    skipSpace()
    const top = stack[stack.length - 1]
    if (top?.kind === 'object' && top.key === undefined) {
      if (text[pos] !== '"') fail('Expecting property name enclosed in double quotes')
      top.key = readString()
      skipSpace()
      if (text[pos] !== ':') fail("Expecting ':' delimiter")
      pos++
      skipSpace()
    }
    const c = text[pos]
    if (c === '{' || c === '[') {
      if (stack.length >= MAX_JSON_DEPTH) throw new JsonDepthError(MAX_JSON_DEPTH, { ...file, ...lineAndColumn(), path: currentPath() })
      pos++
      skipSpace()
      const closing = c === '{' ? '}' : ']'
      if (text[pos] === closing) {
        pos++
        deliver(c === '{' ? {} : [])
        afterValue()
        continue
      }
      stack.push(c === '{' ? { kind: 'object', value: {}, keys: [], key: undefined } : { kind: 'array', value: [] })
      continue
    }
    deliver(readScalar())
    afterValue()
  }
  skipSpace()
  if (pos < text.length) fail('Extra data')
  return result

  function readScalar(): unknown {
    const c = text[pos]
    if (c === '"') return readString()
    for (const [word, value] of WORDS) {
      if (text.startsWith(word, pos)) {
        pos += word.length
        return value
      }
    }
    NUMBER.lastIndex = pos
    const match = NUMBER.exec(text)
    if (!match) return fail('Expecting value')
    const token = (match as RegExpExecArray)[0]
    pos += token.length
    if (/^-?\d+$/.test(token)) {
      const digits = token.length - (token.startsWith('-') ? 1 : 0)
      if (digits > MAX_INTEGER_DIGITS) {
        pos -= token.length
        const { line, column } = lineAndColumn()
        throw new JsonIntegerTooLongError(digits, MAX_INTEGER_DIGITS, line, column, { ...file, path: currentPath() })
      }
      const n = Number(token)
      return Number.isSafeInteger(n) ? n : BigInt(token)
    }
    const x = Number(token)
    return Number.isInteger(x) ? new PyFloat(x) : x
  }

  function readString(): string {
    pos++
    let out = ''
    let start = pos
    for (;;) {
      const code = text.charCodeAt(pos)
      if (Number.isNaN(code)) return fail('Unterminated string starting at')
      if (code === 34) {
        out += text.slice(start, pos)
        pos++
        return out
      }
      if (code < 32) return fail('Invalid control character at')
      if (code === 92) {
        out += text.slice(start, pos)
        const escape = text[pos + 1]
        if (escape === 'u') {
          const hex = text.slice(pos + 2, pos + 6)
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) return fail('Invalid \\uXXXX escape')
          out += String.fromCharCode(parseInt(hex, 16))
          pos += 6
        } else {
          const mapped = ESCAPES[escape ?? '']
          if (mapped === undefined) return fail('Invalid \\escape')
          out += mapped
          pos += 2
        }
        start = pos
        continue
      }
      pos++
    }
  }
}

const WORDS: readonly [string, unknown][] = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['NaN', Number.NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
]

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
}
