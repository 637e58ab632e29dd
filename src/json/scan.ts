/**
 * One linear pass over JSON text before it is parsed: finds the integer literals that are not safe JavaScript
 * numbers, and refuses text that nests too deep or holds absurdly long integers, naming the JSON path. It does
 * not check the grammar (the parser after it does); on text it cannot follow it stops, and the parser reports.
 * @module
 */
import { JsonDepthError, JsonIntegerTooLongError, MAX_INTEGER_DIGITS, MAX_JSON_DEPTH, type IssuePath } from '../errors.js'

export interface ScanLimits {
  readonly maxDepth?: number
  readonly maxIntegerDigits?: number
  readonly file?: string
}

export interface ScanResult {
  /** Offsets `[start, end)` of every unsafe integer literal, flattened: `[s0, e0, s1, e1, ...]`. */
  readonly unsafeIntegers: readonly number[]
  /** The JSON path of each unsafe integer literal, in the same order. */
  readonly unsafeIntegerPaths: readonly IssuePath[]
  /** Where a string opens that no quote closes (the text is then not JSON), or -1. */
  readonly unterminatedString: number
}

const QUOTE = 34
const BACKSLASH = 92
const MINUS = 45
const ZERO = 48
const NINE = 57
const DOT = 46
const PLUS = 43

/**
 * Scans `text` once. Every character is looked at a bounded number of times (strings are skipped with
 * `indexOf`; backslashes before a quote are counted once), so the time is linear on any input.
 */
export function scanJson(text: string, limits: ScanLimits = {}): ScanResult {
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH
  const maxDigits = limits.maxIntegerDigits ?? MAX_INTEGER_DIGITS
  const spans: number[] = []
  const paths: IssuePath[] = []
  // The open containers, for the path of an error: kind (1 object, 0 array), element index, current key span.
  const kinds: number[] = []
  const indexes: number[] = []
  const keyStarts: number[] = []
  const keyEnds: number[] = []
  let expectKey = false
  const n = text.length
  let i = 0
  while (i < n) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      const end = closingQuote(text, i)
      if (end < 0) return { unsafeIntegers: spans, unsafeIntegerPaths: paths, unterminatedString: i }
      const top = kinds.length - 1
      if (expectKey && top >= 0) {
        keyStarts[top] = i
        keyEnds[top] = end + 1
        expectKey = false
      }
      i = end + 1
    } else if (c === 123 || c === 91) {
      // `{` or `[`
      if (kinds.length >= maxDepth) {
        throw new JsonDepthError(maxDepth, { ...where(text, i, limits.file), path: pathOf(text, kinds, indexes, keyStarts, keyEnds) })
      }
      kinds.push(c === 123 ? 1 : 0)
      indexes.push(0)
      keyStarts.push(-1)
      keyEnds.push(-1)
      expectKey = c === 123
      i++
    } else if (c === 125 || c === 93) {
      // `}` or `]`: a closer with nothing open is the parser's to report.
      if (kinds.length === 0) return { unsafeIntegers: spans, unsafeIntegerPaths: paths, unterminatedString: -1 }
      kinds.pop()
      indexes.pop()
      keyStarts.pop()
      keyEnds.pop()
      expectKey = false
      i++
    } else if (c === 44) {
      // `,`
      const top = kinds.length - 1
      if (top >= 0) {
        if (kinds[top] === 1) {
          expectKey = true
          keyStarts[top] = -1
        } else indexes[top] = (indexes[top] as number) + 1
      }
      i++
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      const start = i
      if (c === MINUS) i++
      const digitsStart = i
      while (isDigit(text.charCodeAt(i))) i++
      const digits = i - digitsStart
      let integer = true
      if (text.charCodeAt(i) === DOT) {
        integer = false
        i++
        while (isDigit(text.charCodeAt(i))) i++
      }
      const e = text.charCodeAt(i)
      if (e === 101 || e === 69) {
        integer = false
        i++
        const sign = text.charCodeAt(i)
        if (sign === PLUS || sign === MINUS) i++
        while (isDigit(text.charCodeAt(i))) i++
      }
      if (integer && digits > maxDigits) {
        const at = where(text, start, limits.file)
        throw new JsonIntegerTooLongError(digits, maxDigits, at.line, at.column, {
          ...(limits.file === undefined ? {} : { file: limits.file }),
          path: pathOf(text, kinds, indexes, keyStarts, keyEnds),
        })
      }
      // 16 digits or more may be beyond 2^53 (15 never are):
      if (integer && digits >= 16 && !Number.isSafeInteger(Number(text.slice(start, i)))) {
        spans.push(start, i)
        paths.push(pathOf(text, kinds, indexes, keyStarts, keyEnds))
      }
    } else {
      i++
    }
  }
  return { unsafeIntegers: spans, unsafeIntegerPaths: paths, unterminatedString: -1 }
}

/** The offset of the quote that ends the string opening at `open`, or -1 when it is not terminated. */
function closingQuote(text: string, open: number): number {
  // indexOf jumps to each quote (native, fast even before this code is optimized); a quote after an odd run of
  // backslashes is escaped. Each backslash is counted once, for the one quote that follows its run: linear.
  for (let q = text.indexOf('"', open + 1); q >= 0; q = text.indexOf('"', q + 1)) {
    let backslashes = 0
    while (text.charCodeAt(q - 1 - backslashes) === BACKSLASH) backslashes++
    if (backslashes % 2 === 0) return q
  }
  return -1
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE
}

function pathOf(text: string, kinds: number[], indexes: number[], keyStarts: number[], keyEnds: number[]): IssuePath {
  const path: (string | number)[] = []
  for (let level = 0; level < kinds.length; level++) {
    if (kinds[level] === 0) {
      path.push(indexes[level] as number)
      continue
    }
    const start = keyStarts[level] as number
    if (start < 0) break
    const raw = text.slice(start, keyEnds[level])
    let key: string
    try {
      key = JSON.parse(raw) as string
    } catch {
      key = raw.slice(1, -1)
    }
    path.push(key)
  }
  return path
}

function where(text: string, offset: number, file: string | undefined): { line: number; column: number; file?: string } {
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++
    lineStart = i + 1
  }
  return { line, column: offset - lineStart + 1, ...(file === undefined ? {} : { file }) }
}
