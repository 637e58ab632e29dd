/**
 * parseJson reads valid text with JSON.parse, unsafe integers included (marked, then revived as bigints): the
 * lossless parser, ~10x slower, is only for reporting where invalid text breaks. A raw NUL in the mark once made
 * JSON.parse refuse every text holding a seed's 2^64 - 1, so every /object_info took the slow parser.
 */
import fc from 'fast-check'
import { afterEach, describe, expect, test, vi } from 'vitest'

const lossless = vi.hoisted(() => ({ calls: 0 }))
vi.mock('../../src/json/lossless-json.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/json/lossless-json.js')>()
  return {
    parse: (...args: Parameters<typeof actual.parse>) => {
      lossless.calls++
      return actual.parse(...args)
    },
  }
})

const { parseJson } = await import('../../src/json/lossless.js')
const { parse: losslessParse } = await import('../../src/json/lossless-json.js')

afterEach(() => {
  lossless.calls = 0
})

describe('parseJson takes JSON.parse for valid text', () => {
  test('text with integers beyond 2^53 is read exactly without the lossless parser', () => {
    const text = '{"seed": ["INT", {"min": 0, "max": 18446744073709551615}], "neg": [-9007199254740993], "s": "18446744073709551615"}'
    expect(parseJson(text)).toEqual({ seed: ['INT', { min: 0, max: 18446744073709551615n }], neg: [-9007199254740993n], s: '18446744073709551615' })
    expect(lossless.calls).toBe(0)
  })

  test('bigints are put back where the scan found them: escaped keys, duplicate keys, the top level', () => {
    expect(parseJson('18446744073709551615')).toBe(18446744073709551615n)
    expect(parseJson('{"k\\"ey\\u0041": [1, 18446744073709551615]}')).toEqual({ 'k"eyA': [1, 18446744073709551615n] })
    expect(parseJson('{"a": {"x": 18446744073709551615}, "a": {"x": 18446744073709551614}}')).toEqual({ a: { x: 18446744073709551614n } })
    expect(parseJson('{"a": [18446744073709551615], "a": {"0": 18446744073709551614}}')).toEqual({ a: { '0': 18446744073709551614n } })
    expect(parseJson('{"a": [18446744073709551615], "a": {"0": 5}}')).toEqual({ a: { '0': 5 } })
    expect(lossless.calls).toBe(0)
  })

  test('random text with bigints anywhere, duplicate keys and "__proto__" reads as the lossless parser reads it', () => {
    type Tree = { n: number | bigint } | { s: string } | { a: Tree[] } | { o: [string, Tree][] }
    const big = fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).filter((n) => BigInt(Number(n)) !== n)
    const key = fc.oneof(fc.string({ maxLength: 3 }), fc.constantFrom('__proto__', 'a', '0'))
    const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        fc.oneof(fc.integer(), big).map((n) => ({ n })),
        fc.string().map((s) => ({ s })),
        fc.array(tie('tree'), { maxLength: 4 }).map((a) => ({ a })),
        fc.array(fc.tuple(key, tie('tree')), { maxLength: 4 }).map((o) => ({ o })),
      ),
    }))
    // Written by hand, so that objects can repeat a key:
    const write = (t: Tree): string =>
      'n' in t ? String(t.n) : 's' in t ? JSON.stringify(t.s) : 'a' in t ? `[${t.a.map(write).join(', ')}]` : `{${t.o.map(([k, v]) => `${JSON.stringify(k)}: ${write(v)}`).join(', ')}}`
    const exact = (n: string): number | bigint => (/^-?\d+$/.test(n) && !Number.isSafeInteger(Number(n)) ? BigInt(n) : Number(n))
    fc.assert(
      fc.property(tree, (t) => {
        const text = write(t)
        const expected = losslessParse(text, null, { parseNumber: exact, onDuplicateKey: ({ newValue }) => newValue })
        lossless.calls = 0
        expect(parseJson(text)).toEqual(expected)
        expect(lossless.calls).toBe(0)
      }),
      { numRuns: 500 },
    )
  })

  test('invalid text still goes to the lossless parser, for the position of the error', () => {
    expect(() => parseJson('{"seed": 18446744073709551615,}')).toThrow(/line|:1:/)
    expect(lossless.calls).toBe(1)
  })
})
