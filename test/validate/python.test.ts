/** The Python semantics the validator emulates, checked against what CPython 3 prints for the same calls. */
import { describe, expect, it } from 'vitest'
import {
  floatRepr,
  PyError,
  PyFloat,
  pyBool,
  pyCompare,
  pyContains,
  pyEquals,
  pyFloat,
  pyGetItem,
  pyIn,
  pyInt,
  pyRepr,
  pyStr,
  pyTupleItem,
} from '../../src/validate/python.js'

function raises(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    if (error instanceof PyError) return `${error.type}: ${error.message}`
    throw error
  }
  return 'no exception'
}

describe('int()', () => {
  it.each([
    [5, 5n],
    [5.7, 5n],
    [-5.7, -5n],
    [-0.0, 0n],
    [true, 1n],
    [false, 0n],
    ['20', 20n],
    [' 7 ', 7n],
    ['+3', 3n],
    ['-007', -7n],
    ['1_000', 1000n],
    ['\u0663', 3n],
    [1e20, 100000000000000000000n],
    [18446744073709551616n, 18446744073709551616n],
    [new PyFloat(64), 64n],
  ])('int(%o) = %s', (value, expected) => {
    expect(pyInt(value)).toBe(expected)
  })

  it.each([
    ['7.5', "ValueError: invalid literal for int() with base 10: '7.5'"],
    ['1e3', "ValueError: invalid literal for int() with base 10: '1e3'"],
    ['0x10', "ValueError: invalid literal for int() with base 10: '0x10'"],
    ['', "ValueError: invalid literal for int() with base 10: ''"],
    ['1__0', "ValueError: invalid literal for int() with base 10: '1__0'"],
    [Number.NaN, 'ValueError: cannot convert float NaN to integer'],
    [-Infinity, 'OverflowError: cannot convert float infinity to integer'],
    [null, "TypeError: int() argument must be a string, a bytes-like object or a real number, not 'NoneType'"],
    [{ a: 1 }, "TypeError: int() argument must be a string, a bytes-like object or a real number, not 'dict'"],
  ])('int(%o) raises', (value, expected) => {
    expect(raises(() => pyInt(value))).toBe(expected)
  })
})

describe('float()', () => {
  it.each([
    ['0.5', 0.5],
    [' 1e3 ', 1000],
    ['.5', 0.5],
    ['5.', 5],
    ['-inf', -Infinity],
    ['Infinity', Infinity],
    ['1e400', Infinity],
    [true, 1],
    [8, 8],
    [9007199254740993n, 9007199254740992],
  ])('float(%o) = %s', (value, expected) => {
    expect(pyFloat(value)).toBe(expected)
  })

  it('accepts the string nan', () => {
    expect(Number.isNaN(pyFloat('nan'))).toBe(true)
  })

  it.each([
    ['abc', "ValueError: could not convert string to float: 'abc'"],
    ['0x10', "ValueError: could not convert string to float: '0x10'"],
    [null, "TypeError: float() argument must be a string or a real number, not 'NoneType'"],
    [[1], "TypeError: float() argument must be a string or a real number, not 'list'"],
    [2n ** 1024n, 'OverflowError: int too large to convert to float'],
  ])('float(%o) raises', (value, expected) => {
    expect(raises(() => pyFloat(value))).toBe(expected)
  })
})

describe('str(), repr() and bool()', () => {
  it.each([
    [null, 'None'],
    [true, 'True'],
    [42, '42'],
    [1.5, '1.5'],
    [1e20, '1e+20'],
    [1e-7, '1e-07'],
    [0.0001, '0.0001'],
    [123456789012345680000, '1.2345678901234568e+20'],
    [new PyFloat(5), '5.0'],
    [Number.NaN, 'nan'],
    [{ a: [1, 'b'] }, "{'a': [1, 'b']}"],
    ["it's", "it's"],
  ])('str(%o) = %s', (value, expected) => {
    expect(pyStr(value)).toBe(expected)
  })

  it('quotes strings as repr does', () => {
    expect(pyRepr("it's")).toBe('"it\'s"')
    expect(pyRepr('a\nb\u0001')).toBe("'a\\nb\\x01'")
    expect(pyRepr(['nearest-exact', 'bilinear'])).toBe("['nearest-exact', 'bilinear']")
  })

  it('prints floats like Python', () => {
    expect(floatRepr(100)).toBe('100.0')
    expect(floatRepr(-0)).toBe('-0.0')
    expect(floatRepr(1e16)).toBe('1e+16')
    expect(floatRepr(9.223372036854776e18)).toBe('9.223372036854776e+18')
  })

  it.each([
    ['false', true],
    ['', false],
    [0, false],
    [Number.NaN, true],
    [[], false],
    [{}, false],
    [null, false],
  ])('bool(%o) = %s', (value, expected) => {
    expect(pyBool(value)).toBe(expected)
  })
})

describe('comparisons and membership', () => {
  it('treats 1, 1.0 and True as equal, but not "1"', () => {
    expect(pyIn(1, [true])).toBe(true)
    expect(pyIn(new PyFloat(1), [1])).toBe(true)
    expect(pyIn('1', [1])).toBe(false)
    expect(pyEquals({ a: [1] }, { a: [true] })).toBe(true)
  })

  it('compares bigints with floats exactly, and NaN never', () => {
    expect(pyCompare(18446744073709551616n, '>', 18446744073709551615n)).toBe(true)
    expect(pyCompare(1e20, '>', 18446744073709551615n)).toBe(true)
    expect(pyCompare(Number.NaN, '<', 0)).toBe(false)
    expect(pyCompare(Number.NaN, '>', 0)).toBe(false)
    expect(raises(() => pyCompare('a', '<', 0))).toBe("TypeError: '<' not supported between instances of 'str' and 'int'")
  })

  it('does `in` by container kind', () => {
    expect(pyContains({ seed: 1 }, 'seed')).toBe(true)
    expect(pyContains({ toString: 1 }, 'valueOf')).toBe(false)
    expect(pyContains('image_list', 'image')).toBe(true)
    expect(pyContains(['image'], 'image')).toBe(true)
    expect(raises(() => pyContains(null, 'x'))).toBe("TypeError: argument of type 'NoneType' is not iterable")
    expect(raises(() => pyContains({}, ['x']))).toBe("TypeError: unhashable type: 'list'")
  })

  it('indexes like Python', () => {
    expect(raises(() => pyGetItem({ '4': 1 }, 4))).toBe('KeyError: 4')
    expect(raises(() => pyGetItem({}, '99'))).toBe("KeyError: '99'")
    expect(pyTupleItem(['IMAGE', 'MASK'], -1)).toBe('MASK')
    expect(pyTupleItem(['IMAGE', 'MASK'], true)).toBe('MASK')
    expect(raises(() => pyTupleItem(['IMAGE'], 1))).toBe('IndexError: tuple index out of range')
    expect(raises(() => pyTupleItem(['IMAGE'], '0'))).toBe('TypeError: tuple indices must be integers or slices, not str')
    expect(raises(() => pyTupleItem(['IMAGE'], new PyFloat(0)))).toBe(
      'TypeError: tuple indices must be integers or slices, not float',
    )
    expect(raises(() => pyGetItem('abc', 'a'))).toBe("TypeError: string indices must be integers, not 'str'")
  })
})
