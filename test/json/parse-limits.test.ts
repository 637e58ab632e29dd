/**
 * parseJson on hostile text: linear time (a body that made the old pre-scan backtrack now fails at once, with a
 * position), typed refusals for absurd nesting and integer length naming the JSON path, exact big integers,
 * duplicate keys and "__proto__" kept harmless.
 */
import { describe, expect, test } from 'vitest'
import { JsonDepthError, JsonIntegerTooLongError, JsonParseError, MAX_INTEGER_DIGITS, MAX_JSON_DEPTH } from '../../src/errors.js'
import { parseJson, stringifyJson } from '../../src/json/lossless.js'

const nested = (levels: number, inner = '1'): string => '['.repeat(levels) + inner + ']'.repeat(levels)

describe('parseJson on hostile text', () => {
  // A 16+ digit integer followed by an unterminated string of \" made the old regex pre-scan quadratic
  // (160 KB took 12 s; this 1 MB body would take minutes). The scan is linear: this ends far inside the test timeout.
  // Timings are in `npm run bench -- fuzz`.
  test('a 1 MB unterminated string full of \\" after a long integer fails at once, with a position', () => {
    const body = `{"seed":12345678901234567,"text":"${'\\"'.repeat(512 * 1024)}`
    const error = catchError(() => parseJson(body, { file: 'answer.json' }))
    expect(error).toBeInstanceOf(JsonParseError)
    expect((error as JsonParseError).line).toBe(1)
    expect((error as Error).message).toMatch(/^answer\.json:1:\d+: invalid JSON: /)
  })

  test(`nesting up to ${MAX_JSON_DEPTH} levels parses; one more is a JsonDepthError with the path, line and column`, () => {
    expect(parseJson(nested(MAX_JSON_DEPTH))).toBeDefined()
    const text = `{"nodes": [{"id": 1}, {"widgets_values": ${nested(MAX_JSON_DEPTH)}}]}`
    const error = catchError(() => parseJson(text, { file: 'w.json' })) as JsonDepthError
    expect(error).toBeInstanceOf(JsonDepthError)
    expect(error.limit).toBe(MAX_JSON_DEPTH)
    expect(error.file).toBe('w.json')
    expect(error.path.slice(0, 4)).toEqual(['nodes', 1, 'widgets_values', 0])
    expect(error.path).toHaveLength(MAX_JSON_DEPTH)
    expect(error.line).toBe(1)
    // Three containers are open before the nested arrays: the one past the limit is their 998th.
    expect(error.column).toBe(text.indexOf('[[') + (MAX_JSON_DEPTH - 3) + 1)
    expect(error.message).toMatch(/^w\.json:1:\d+: \$\.nodes\[1\]\.widgets_values\[0\]\[0\]\[0\]…\(990 more\)…\[0\]\[0\]\[0\]\[0\]: nested deeper than 1000 levels$/)
  })

  test('100,000 levels, with an unsafe integer present too, are refused the same way (no stack overflow)', () => {
    for (const text of [nested(100_000), `[18446744073709551615, ${nested(100_000)}]`, '{"a":'.repeat(100_000)]) {
      expect(() => parseJson(text)).toThrow(JsonDepthError)
    }
  })

  test(`integers of more than ${MAX_INTEGER_DIGITS} digits are refused with the path; floats and shorter ones are read`, () => {
    const long = '9'.repeat(MAX_INTEGER_DIGITS + 1)
    const error = catchError(() => parseJson(`{"a": {"seed": -${long}}}`, { file: 'p.json' })) as JsonIntegerTooLongError
    expect(error).toBeInstanceOf(JsonIntegerTooLongError)
    expect(error).toBeInstanceOf(JsonParseError)
    expect(error.path).toEqual(['a', 'seed'])
    expect(error.digits).toBe(MAX_INTEGER_DIGITS + 1)
    expect(error.message).toBe(`p.json:1:16: invalid JSON: $.a.seed: an integer of ${MAX_INTEGER_DIGITS + 1} digits (at most ${MAX_INTEGER_DIGITS} are read)`)
    expect(parseJson(`[${'9'.repeat(MAX_INTEGER_DIGITS)}]`)).toEqual([BigInt('9'.repeat(MAX_INTEGER_DIGITS))])
    expect(parseJson(`[1.${'5'.repeat(10_000)}, 1e400, -1e400]`)).toEqual([1.5555555555555556, Infinity, -Infinity])
  })
})

describe('parseJson keeps values exact and harmless', () => {
  test('integers beyond 2^53 are bigints; fractions, exponents and safe integers are numbers', () => {
    const value = parseJson('{"a": 18446744073709551615, "b": [-9007199254740993, 12345678901234567.5, 1234567890123456e3, 9007199254740991]}')
    expect(value).toEqual({ a: 18446744073709551615n, b: [-9007199254740993n, 12345678901234568, 1.234567890123456e18, 9007199254740991] })
  })

  test('strings that look like integers, or like the internal mark, stay strings (before and after a round trip)', () => {
    const text = '{"seed": 18446744073709551615, "s": "12345678901234567890", "m": "\\u0000bigint:5", "e": "\\\\"}'
    const value = parseJson(text) as Record<string, unknown>
    expect(value).toEqual({ seed: 18446744073709551615n, s: '12345678901234567890', m: '\u0000bigint:5', e: '\\' })
    expect(parseJson(stringifyJson(value))).toEqual(value)
    expect(stringifyJson({ m: '\u0000bigint:5', n: 18446744073709551615n })).toBe('{"m":"\\u0000bigint:5","n":18446744073709551615}')
  })

  test('duplicate keys: the last wins (as JSON.parse and the server\'s json.loads read them), with or without bigints', () => {
    expect(parseJson('{"a": 1, "a": 2}')).toEqual({ a: 2 })
    expect(parseJson('{"a": 18446744073709551615, "a": 2, "b": 18446744073709551614}')).toEqual({ a: 2, b: 18446744073709551614n })
  })

  test('"__proto__" keys become own properties and never touch a prototype', () => {
    for (const text of ['{"__proto__": {"polluted": 1}}', '{"__proto__": {"polluted": 18446744073709551615}, "x": 18446744073709551615}']) {
      const value = parseJson(text) as Record<string, unknown>
      expect(Object.hasOwn(value, '__proto__')).toBe(true)
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    }
    expect((parseJson('{"__proto__": {"p": 18446744073709551615}}') as Record<string, Record<string, unknown>>)['__proto__']?.['p']).toBe(18446744073709551615n)
  })
})

describe('stringifyJson on values too deep to write', () => {
  test('a JsonDepthError with the path instead of a stack overflow', () => {
    let value: unknown = 1
    for (let i = 0; i < 100_000; i++) value = { a: value }
    const error = catchError(() => stringifyJson({ prompt: value })) as JsonDepthError
    expect(error).toBeInstanceOf(JsonDepthError)
    expect(error.path.slice(0, 3)).toEqual(['prompt', 'a', 'a'])
  })
})

function catchError(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}
