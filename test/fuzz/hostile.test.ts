/**
 * Mutated real workflows (nesting to 100,000 levels, 1e400, 4,301-digit integers, duplicate keys, `__proto__` and
 * `constructor` keys, big strings and arrays, wrong types, broken text) through the parsers, the library functions
 * and the check, convert and import commands: each gives a result or one of comfy-dsl's typed errors, and no
 * built-in prototype changes. `npm run bench -- fuzz` runs 10,000 such cases at full size and reports times.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { buildCase, caseSpecs, TEST_SIZES } from './hostile-workflows.js'
import { prototypesIntact, runCase } from './run-case.js'

describe('hostile workflows', () => {
  test('120 mutated workflows: no untyped error anywhere, prototypes untouched', async () => {
    let index = 0
    await fc.assert(
      fc.asyncProperty(caseSpecs(TEST_SIZES), async (spec) => {
        const c = buildCase(spec, index++)
        const result = await runCase(c)
        expect(result.failures, c.name).toEqual([])
        expect(result.prototypesIntact, c.name).toBe(true)
      }),
      { numRuns: 120 },
    )
  }, 300_000)

  test('the prototype check notices a polluted Object.prototype', () => {
    expect(prototypesIntact()).toBe(true)
    Object.defineProperty(Object.prototype, 'polluted', { value: 1, configurable: true, enumerable: false })
    try {
      expect(prototypesIntact()).toBe(false)
    } finally {
      delete (Object.prototype as Record<string, unknown>)['polluted']
    }
    expect(prototypesIntact()).toBe(true)
  })
})
