/**
 * parseJson reads valid text with JSON.parse, unsafe integers included (marked, then revived as bigints): the
 * lossless parser, ~10x slower, is only for reporting where invalid text breaks. A raw NUL in the mark once made
 * JSON.parse refuse every text holding a seed's 2^64 - 1, so every /object_info took the slow parser.
 */
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

afterEach(() => {
  lossless.calls = 0
})

describe('parseJson takes JSON.parse for valid text', () => {
  test('text with integers beyond 2^53 is read exactly without the lossless parser', () => {
    const text = '{"seed": ["INT", {"min": 0, "max": 18446744073709551615}], "neg": [-9007199254740993], "s": "18446744073709551615"}'
    expect(parseJson(text)).toEqual({ seed: ['INT', { min: 0, max: 18446744073709551615n }], neg: [-9007199254740993n], s: '18446744073709551615' })
    expect(lossless.calls).toBe(0)
  })

  test('invalid text still goes to the lossless parser, for the position of the error', () => {
    expect(() => parseJson('{"seed": 18446744073709551615,}')).toThrow(/line|:1:/)
    expect(lossless.calls).toBe(1)
  })
})
