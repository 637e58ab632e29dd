/**
 * Hostile workflows for the fuzz test (test/fuzz) and the fuzz bench (bench/fuzz.bench.ts): a real fixture
 * workflow (API or UI) with mutations at random places: nesting up to 100,000 levels, numbers JSON or JavaScript
 * cannot hold (1e400, 2^64, 4,301 digits, NaN), duplicate keys, `__proto__` / `constructor` keys and ids, huge
 * strings and arrays, values of the wrong type, and broken text. Each case comes as JSON text (for parsers and
 * the CLI) and, when the text is JSON, as the value a library caller would hand over already parsed (deep
 * objects included, which no parser here would produce).
 */
import { readdirSync } from 'node:fs'
import fc from 'fast-check'
import { fixturePath, readFixture } from '../helpers/fixtures.js'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** A value the renderers write in their own way (instead of JSON.stringify). */
export type Special =
  | { readonly special: 'deep'; readonly levels: number; readonly shape: 'array' | 'object' | 'mixed' }
  | { readonly special: 'number'; readonly literal: string }
  | { readonly special: 'string'; readonly length: number; readonly unit: string }
  | { readonly special: 'array'; readonly length: number; readonly item: Json }
  | { readonly special: 'duplicates'; readonly entries: readonly (readonly [string, Json])[] }
  | { readonly special: 'keys'; readonly entries: readonly (readonly [string, Json])[] }

export type Mutation =
  | { readonly op: 'set'; readonly at: number; readonly value: Json | Special }
  | { readonly op: 'rename'; readonly at: number; readonly key: string }
  | { readonly op: 'delete'; readonly at: number }

export type Corruption = { readonly op: 'none' } | { readonly op: 'truncate'; readonly at: number } | { readonly op: 'insert'; readonly at: number; readonly text: string }

export interface CaseSpec {
  readonly base: number
  readonly mutations: readonly Mutation[]
  readonly corruption: Corruption
}

export interface HostileCase {
  readonly name: string
  /** The document as JSON text (maybe not JSON at all, after corruption). */
  readonly text: string
  /** The document as a library caller would pass it, when the text is a document at all. */
  readonly value: unknown
  readonly hasValue: boolean
}

const fixtureFiles = (folder: string, pattern: RegExp): string[] =>
  readdirSync(fixturePath('workflows', folder))
    .filter((f) => pattern.test(f))
    .sort()
    .map((f) => `${folder}/${f}`)

/** The real workflows the cases start from: API prompts, POST bodies and UI workflows. */
export const BASES: readonly { readonly file: string; readonly json: Json }[] = [
  ...fixtureFiles('api', /\.json$/),
  ...fixtureFiles('ui', /subgraph|groupnode|reroute|primitive|bypass|links__/),
  ...fixtureFiles('pairs', /^(lora__lora|autoflow__txt2img_basic|edit_models__sdxl_edit_model|sdxl__sdxl_simple_example|flux__flux_kontext_example)\./),
].map((file) => ({ file, json: JSON.parse(readFixture('workflows', ...file.split('/'))) as Json }))

/** How big the big mutations get: the bench goes to the limits, the test stays quick. */
export interface Sizes {
  readonly maxDepth: number
  /** Characters of JSON text (an escaped unit such as \u001b counts 6). */
  readonly maxString: number
  readonly maxArray: number
}

export const BENCH_SIZES: Sizes = { maxDepth: 100_000, maxString: 1_000_000, maxArray: 100_000 }
export const TEST_SIZES: Sizes = { maxDepth: 100_000, maxString: 100_000, maxArray: 20_000 }

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'class_type', 'inputs', '_meta', 'nodes', 'links', '']

const scalar: fc.Arbitrary<Json> = fc.oneof(
  fc.integer({ min: -3, max: 100 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 8 }),
  fc.constantFrom('*', 'MODEL', '__proto__', 'constructor', 'class_type', '-1', '1', '0.4', '\u001b[2J', '\u202e'),
  fc.boolean(),
  fc.constant(null),
)

const wrongType: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('1', '3', '4', '99', '__proto__', 'constructor'), fc.integer({ min: -1, max: 4 })) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('a', '__value__', 'link', 'name', 'type'), scalar, { maxKeys: 3 }) },
)

// One in twenty at the maximum, the others spread evenly on a log scale from 8 up:
function size(max: number): fc.Arbitrary<number> {
  const steps = Math.floor(Math.log2(max) * 4)
  return fc.oneof({ weight: 1, arbitrary: fc.constant(max) }, { weight: 19, arbitrary: fc.integer({ min: 12, max: steps }).map((x) => Math.round(2 ** (x / 4))) })
}

function special(sizes: Sizes): fc.Arbitrary<Special> {
  return fc.oneof(
    fc.record({
      special: fc.constant('deep' as const),
      levels: fc.oneof(fc.constantFrom(999, 1000, 1001, 5000, sizes.maxDepth), fc.integer({ min: 1, max: sizes.maxDepth })),
      shape: fc.constantFrom('array' as const, 'object' as const, 'mixed' as const),
    }),
    fc.record({
      special: fc.constant('number' as const),
      literal: fc.constantFrom(
        '1e400',
        '-1e400',
        '1e-400',
        '18446744073709551615',
        '18446744073709551616',
        '-9223372036854775809',
        '9'.repeat(4300),
        '9'.repeat(4301),
        '1'.repeat(20_000),
        `0.${'1'.repeat(5000)}`,
        '-0',
        '1.0',
        '5e-324',
        'NaN',
        'Infinity',
        '-Infinity',
      ),
    }),
    fc.record({
      special: fc.constant('string' as const),
      length: size(sizes.maxString),
      unit: fc.constantFrom('a', '\\', '"', '\u001b', '\ud83d\ude00', '\ud800', 'é', '\u202e', '%date:yyyy%', '{a|b}'),
    }),
    fc.record({
      special: fc.constant('array' as const),
      length: size(sizes.maxArray),
      item: fc.oneof(scalar, fc.constant(['1', 0] as Json)),
    }),
    fc.record({
      special: fc.constant('duplicates' as const),
      entries: fc.array(fc.tuple(fc.constantFrom('class_type', 'inputs', 'a', '__proto__', 'nodes', 'id'), wrongType), { minLength: 2, maxLength: 5 }),
    }),
    fc.record({
      special: fc.constant('keys' as const),
      entries: fc.array(fc.tuple(fc.constantFrom(...HOSTILE_KEYS), wrongType), { minLength: 1, maxLength: 4 }),
    }),
  )
}

function mutation(sizes: Sizes): fc.Arbitrary<Mutation> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: special(sizes) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: wrongType }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('rename' as const), at: fc.nat(), key: fc.constantFrom(...HOSTILE_KEYS) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
  )
}

const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ op: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('"', '\\', '{', ']', ',', '\u0000', '"\\', '1'.repeat(30)) }) },
)

/** Cases as fast-check values: a base workflow, one to three mutations, maybe broken text. */
export function caseSpecs(sizes: Sizes): fc.Arbitrary<CaseSpec> {
  return fc.record({
    base: fc.nat({ max: BASES.length - 1 }),
    mutations: fc.array(mutation(sizes), { minLength: 1, maxLength: 3 }),
    corruption,
  })
}

type Path = (string | number)[]

// Layout the converters never read; mutating it would only dilute the runs:
const COSMETIC = new Set(['pos', 'size', 'flags', 'order', 'ds', 'bounding', 'groups', 'config', 'color', 'bgcolor', 'shape'])

function paths(json: unknown, prefix: Path = [], out: Path[] = [], depth = 0): Path[] {
  if (depth > 7 || typeof json !== 'object' || json === null || isSpecial(json)) return out
  for (const key of Object.keys(json)) {
    if (COSMETIC.has(key)) continue
    const path = [...prefix, Array.isArray(json) ? Number(key) : key]
    out.push(path)
    paths((json as Record<string, unknown>)[key], path, out, depth + 1)
  }
  return out
}

function isSpecial(value: unknown): value is Special {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, 'special')
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> {
  let node = root as Record<string | number, unknown>
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>
  return node
}

function setOwn(target: Record<string | number, unknown>, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/** Applies the mutations to a copy of the base (a tree of plain values and {@link Special} markers). */
function mutate(spec: CaseSpec): unknown {
  const root: unknown = structuredClone(BASES[spec.base]?.json)
  for (const m of spec.mutations) {
    const all = paths(root)
    if (all.length === 0) break
    const path = all[m.at % all.length] as Path
    const parent = parentOf(root, path)
    const key = path[path.length - 1] as string | number
    if (m.op === 'set') setOwn(parent, key, m.value)
    else if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1)
      else delete parent[key]
    } else if (!Array.isArray(parent)) {
      // Renamed in place, keeping the order of the other keys:
      const entries = Object.entries(parent).map(([k, v]) => [k === key ? m.key : k, v] as const)
      for (const k of Object.keys(parent)) delete parent[k]
      for (const [k, v] of entries) setOwn(parent, k, v)
    }
  }
  return root
}

// The renderers recurse only through the fixture's own structure (a dozen levels): deep values are built in loops.
function toText(value: unknown): string {
  if (isSpecial(value)) return specialText(value)
  if (Array.isArray(value)) return `[${value.map(toText).join(',')}]`
  if (typeof value === 'object' && value !== null) return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${toText(v)}`).join(',')}}`
  return JSON.stringify(value) ?? 'null'
}

function toValue(value: unknown): unknown {
  if (isSpecial(value)) return specialValue(value)
  if (Array.isArray(value)) return value.map(toValue)
  if (typeof value === 'object' && value !== null) {
    const out = {}
    for (const [k, v] of Object.entries(value)) setOwn(out, k, toValue(v))
    return out
  }
  return value
}

function specialText(s: Special): string {
  switch (s.special) {
    case 'deep': {
      if (s.shape === 'array') return `${'['.repeat(s.levels)}1${']'.repeat(s.levels)}`
      if (s.shape === 'object') return `${'{"a":'.repeat(s.levels)}1${'}'.repeat(s.levels)}`
      const half = s.levels >> 1
      return `${'[{"a":'.repeat(half)}${'['.repeat(s.levels - 2 * half)}1${']'.repeat(s.levels - 2 * half)}${'}]'.repeat(half)}`
    }
    case 'number':
      return s.literal
    case 'string':
      return JSON.stringify(hugeString(s))
    case 'array':
      return `[${new Array<string>(s.length).fill(JSON.stringify(s.item)).join(',')}]`
    case 'duplicates':
    case 'keys':
      return `{${s.entries.map(([k, v]) => `${JSON.stringify(k)}:${toText(v)}`).join(',')}}`
  }
}

function specialValue(s: Special): unknown {
  switch (s.special) {
    case 'deep': {
      let value: unknown = 1
      const wrap = (i: number): unknown => (s.shape === 'array' || (s.shape === 'mixed' && i % 2 === 0) ? [value] : { a: value })
      for (let i = 0; i < s.levels; i++) value = wrap(i)
      return value
    }
    case 'number': {
      const n = Number(s.literal)
      return /^-?\d+$/.test(s.literal) && !Number.isSafeInteger(n) ? BigInt(s.literal) : n
    }
    case 'string':
      return hugeString(s)
    case 'array':
      return Array.from({ length: s.length }, () => structuredClone(s.item))
    case 'duplicates':
    case 'keys': {
      // The last duplicate wins, as a parser has it; "__proto__" becomes an own key, as JSON.parse makes it:
      const out = {}
      for (const [k, v] of s.entries) setOwn(out, k, toValue(v))
      return out
    }
  }
}

// About `length` characters once written as JSON:
function hugeString(s: { readonly length: number; readonly unit: string }): string {
  const written = JSON.stringify(s.unit).length - 2
  return s.unit.repeat(Math.max(1, Math.ceil(s.length / written)))
}

/** The text and the value of a case. */
export function buildCase(spec: CaseSpec, index: number): HostileCase {
  const tree = mutate(spec)
  let text = toText(tree)
  const name = `#${index} ${BASES[spec.base]?.file} ${JSON.stringify(spec.mutations, (_k, v: unknown) => (typeof v === 'string' && v.length > 40 ? `${v.slice(0, 20)}...(${v.length})` : v))} ${spec.corruption.op}`
  if (spec.corruption.op === 'truncate') text = text.slice(0, spec.corruption.at % (text.length + 1))
  else if (spec.corruption.op === 'insert') {
    const at = spec.corruption.at % (text.length + 1)
    text = text.slice(0, at) + spec.corruption.text + text.slice(at)
  }
  const hasValue = spec.corruption.op === 'none'
  return { name, text, value: hasValue ? toValue(tree) : undefined, hasValue }
}
