/**
 * The hand-written checks of schema.ts against the zod schema they replaced (zod-reference-schema.ts): the same
 * verdict, the same first issue (path and expected types) and the same options key order, on every fixture
 * class and on random corruptions of them.
 */
import fc from 'fast-check'
import type * as z from 'zod/mini'
import { describe, expect, test } from 'vitest'
import { canonicalOptions, checkInputSpec, checkNodeInfo, type RawIssue } from '../../src/defs/schema.js'
import { normalizeNodeDef } from '../../src/defs/normalize.js'
import { ObjectInfoError } from '../../src/errors.js'
import { parseJson } from '../../src/json/lossless.js'
import { OBJECT_INFO_FILES, readFixture } from '../helpers/fixtures.js'
import { inputOptionsSchema, inputSpecSchema, nodeInfoSchema } from './zod-reference-schema.js'

type Path = (string | number)[]

/** What an issue says: where, and the expected types (a union's as a set), the way issue-error.ts reads it. */
function fromZod(error: z.core.$ZodError): { path: Path; union: boolean; expected: string[] } {
  const issue = error.issues[0] as z.core.$ZodIssue
  if (issue.code === 'invalid_type') return { path: issue.path as Path, union: false, expected: [issue.expected] }
  if (issue.code !== 'invalid_union') throw new Error(`unexpected zod issue ${issue.code}`)
  const expected = new Set<string>()
  for (const branch of issue.errors) for (const sub of branch) if (sub.code === 'invalid_type' && sub.path.length === 0) expected.add(sub.expected)
  return { path: issue.path as Path, union: true, expected: [...expected] }
}

function fromCheck(issue: RawIssue): { path: Path; union: boolean; expected: string[] } {
  return { path: [...issue.path], union: issue.union, expected: issue.union ? [...new Set(issue.expected)] : [...issue.expected] }
}

const classes: [string, unknown][] = Object.values(OBJECT_INFO_FILES).flatMap((file) =>
  Object.entries(parseJson(readFixture('object_info', file)) as Record<string, unknown>),
)

/** Every path to a value inside `value` (objects and arrays), up to `depth` levels. */
function paths(value: unknown, depth: number, prefix: Path = []): Path[] {
  if (depth === 0 || value === null || typeof value !== 'object') return []
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value)
  return keys.flatMap((k) => [[...prefix, k], ...paths((value as Record<string | number, unknown>)[k], depth - 1, [...prefix, k])])
}

function withValue(root: unknown, path: Path, value: unknown, remove: boolean): unknown {
  const copy = structuredClone(root)
  let parent = copy as Record<string | number, unknown>
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>
  const last = path[path.length - 1] as string | number
  if (remove && !Array.isArray(parent)) delete parent[last]
  else parent[last] = value
  return copy
}

const oddValue = fc.oneof(
  fc.constantFrom(null, undefined, true, false, 0, -1.5, 2n ** 64n, Number.NaN, Number.POSITIVE_INFINITY, '', 'INT', 'COMBO', []),
  fc.constant({}),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant({})), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('min', 'max', 'round', 'tooltip', 'options', 'required', 'optional', 'x'), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 3 }),
)

describe('schema.ts checks node definitions as the zod schema did', () => {
  test('every fixture class is accepted by both', () => {
    for (const [name, info] of classes) {
      expect(nodeInfoSchema.safeParse(info).success, name).toBe(true)
      expect(checkNodeInfo(info), name).toBeUndefined()
    }
  })

  test('random corruptions of fixture classes: same verdict, same first issue', () => {
    fc.assert(
      fc.property(fc.nat(classes.length - 1), fc.nat(), oddValue, fc.boolean(), (index, pick, value, remove) => {
        const [, info] = classes[index] as [string, unknown]
        const all = paths(info, 6)
        const path = all[pick % all.length] as Path
        const broken = path === undefined ? value : withValue(info, path, value, remove)
        const zod = nodeInfoSchema.safeParse(broken)
        const issue = checkNodeInfo(broken)
        expect(issue === undefined).toBe(zod.success)
        if (!zod.success && issue !== undefined) expect(fromCheck(issue)).toEqual(fromZod(zod.error))
      }),
      { numRuns: 3000 },
    )
  })

  test('input specs alone (V3 sub-inputs): same verdict and first issue', () => {
    fc.assert(
      fc.property(fc.array(oddValue, { maxLength: 3 }), (spec) => {
        const zod = inputSpecSchema.safeParse(spec)
        const issue = checkInputSpec(spec)
        expect(issue === undefined).toBe(zod.success)
        if (!zod.success && issue !== undefined) expect(fromCheck(issue)).toEqual(fromZod(zod.error))
      }),
      { numRuns: 1000 },
    )
  })

  test('options keep the key order zod gave them (typed fields first), without __proto__', () => {
    const options = JSON.parse('{"zeta": 1, "tooltip": "t", "__proto__": {"a": 1}, "min": 0, "default": 3, "options": []}') as Record<string, unknown>
    const zod = inputOptionsSchema.safeParse(options)
    expect(zod.success).toBe(true)
    expect(Object.keys(canonicalOptions(options))).toEqual(Object.keys(zod.data as object))
    expect(Object.keys(canonicalOptions(options))).toEqual(['min', 'tooltip', 'options', 'zeta', 'default'])
    expect(Object.getPrototypeOf(canonicalOptions(options))).toBe(Object.prototype)
  })

  test('an issue becomes an ObjectInfoError with the JSON path and the received value', () => {
    const info = { input: { required: { mode: [['a', {}], { round: 'x' }] } }, output: [] }
    const error = (() => {
      try {
        normalizeNodeDef('C', info)
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(ObjectInfoError)
    expect(error).toMatchObject({ classType: 'C', inputName: 'mode', field: 'type', expected: 'string', path: ['C', 'input', 'required', 'mode', 0] })
  })
})
