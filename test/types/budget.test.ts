/**
 * Type-performance tripwire: the instantiation count of a txt2img file that imports all generated core
 * factories must not grow more than 20% over the committed budget (after kysely's and hono's budgets).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { STRICT_OPTIONS, typecheck } from '../helpers/typecheck.js'

const budget = JSON.parse(readFileSync(join(import.meta.dirname, 'instantiation-budget.json'), 'utf8')) as {
  txt2img: number
}

test('txt2img type-checks within the instantiation budget', () => {
  // The benchmark's file, with the package names mapped to the sources:
  const root = join(import.meta.dirname, '..', '..')
  const { errors, instantiations } = typecheck([join(root, 'bench', 'fixtures', 'txt2img.ts')], {
    ...STRICT_OPTIONS,
    noUnusedLocals: false,
    paths: { 'comfy-dsl': [join(root, 'src/dsl/index.ts')], 'comfy-dsl/nodes': [join(root, 'src/nodes/index.ts')] },
  })
  expect(errors).toEqual([])
  expect(instantiations).toBeGreaterThan(0)
  expect(
    instantiations,
    `instantiations grew to ${instantiations} (budget ${budget.txt2img}); if intended, update instantiation-budget.json`,
  ).toBeLessThanOrEqual(Math.round(budget.txt2img * 1.2))
}, 120_000)
