/**
 * The raw `/object_info` format, V1 and V3 nodes alike, checked by hand. Loose objects: servers and custom nodes
 * add fields, and a definition is only rejected for what the model actually reads.
 *
 * This was a zod schema; loading zod and running it was ~40% of a codegen run. The checks below accept and reject
 * exactly what that schema did and report its first issue (same path, same expected types); a differential test
 * (test/defs/schema.test.ts) holds them to the zod schema, kept there as the reference.
 * @module
 */

export type RawComboOption = string | number | boolean

/** The options object of an input spec. Only the fields the model reads are typed. */
export interface RawInputOptions {
  readonly min?: number | bigint
  readonly max?: number | bigint
  readonly step?: number | bigint
  readonly round?: number | bigint | boolean
  readonly tooltip?: string
  readonly display_name?: string
  readonly forceInput?: boolean
  readonly defaultInput?: boolean
  readonly lazy?: boolean
  readonly rawLink?: boolean
  readonly advanced?: boolean
  readonly multiline?: boolean
  readonly dynamicPrompts?: boolean
  readonly multiselect?: boolean
  readonly options?: unknown[]
  readonly control_after_generate?: boolean | string
  readonly [key: string]: unknown
}

/** `[type]` or `[type, options]`; the type is a string or (V1 combo) the option list. Extra items are ignored. */
export type RawInputSpec = readonly [string | RawComboOption[], RawInputOptions?, ...unknown[]]

type Group = Readonly<Record<string, RawInputSpec>>

export interface RawNodeInfo {
  readonly input: {
    readonly required?: Group | null
    readonly optional?: Group | null
    // V1 hidden specs are bare strings; V3 ones are one-element arrays:
    readonly hidden?: Readonly<Record<string, string | unknown[]>> | null
    readonly [key: string]: unknown
  }
  readonly input_order?: {
    readonly required?: string[] | null
    readonly optional?: string[] | null
    readonly hidden?: string[] | null
    readonly [key: string]: unknown
  } | null
  readonly output: (string | RawComboOption[])[]
  readonly output_is_list?: (boolean | null)[] | null
  readonly output_name?: (string | null)[] | null
  readonly output_tooltips?: (string | null)[] | null
  readonly output_matchtypes?: (string | null)[] | null
  readonly name?: string | null
  readonly display_name?: string | null
  readonly description?: string | null
  readonly category?: string | null
  readonly python_module?: string | null
  readonly output_node?: boolean | null
  readonly deprecated?: boolean | null
  readonly experimental?: boolean | null
  readonly dev_only?: boolean | null
  readonly api_node?: boolean | null
  readonly is_input_list?: boolean | null
  readonly search_aliases?: string[] | null
  readonly [key: string]: unknown
}

/** The first problem in a raw definition, as zod reported it. */
export interface RawIssue {
  /** From the checked value to the offending one. */
  readonly path: readonly (string | number)[]
  /** A union's issue: `expected` lists the alternatives the value was not (those that failed on its type). */
  readonly union: boolean
  readonly expected: readonly string[]
}

/** A check: `undefined` when the value is accepted, else its first issue. */
type Check = (value: unknown) => RawIssue | undefined

const typeIssues = new Map<string, RawIssue>()
function typeIssue(expected: string): RawIssue {
  let issue = typeIssues.get(expected)
  if (issue === undefined) typeIssues.set(expected, (issue = { path: [], union: false, expected: [expected] }))
  return issue
}

function at(key: string | number, issue: RawIssue): RawIssue {
  return { ...issue, path: [key, ...issue.path] }
}

const string: Check = (v) => (typeof v === 'string' ? undefined : typeIssue('string'))
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : typeIssue('boolean'))
const bigint: Check = (v) => (typeof v === 'bigint' ? undefined : typeIssue('bigint'))
// zod's numbers are finite:
const number: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : typeIssue('number'))
const unknown: Check = () => undefined

function optional(check: Check): Check {
  return (v) => (v === undefined ? undefined : check(v))
}

function nullish(check: Check): Check {
  return (v) => (v === undefined || v === null ? undefined : check(v))
}

function nullable(check: Check): Check {
  return (v) => (v === null ? undefined : check(v))
}

/** Accepted when one alternative accepts; else one issue naming the alternatives that failed on the type itself. */
function union(...options: Check[]): Check {
  return (v) => {
    for (const option of options) if (option(v) === undefined) return undefined
    // Rejected (rare): the alternatives' issues again, for the message; an accepted value allocates nothing.
    const failed = options.map((option) => option(v) as RawIssue)
    const expected = failed.filter((i) => !i.union && i.path.length === 0).map((i) => i.expected[0] as string)
    return { path: [], union: true, expected }
  }
}

function array(item: Check): Check {
  return (v) => {
    if (!Array.isArray(v)) return typeIssue('array')
    for (let i = 0; i < v.length; i++) {
      const issue = item(v[i])
      if (issue !== undefined) return at(i, issue)
    }
    return undefined
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

// zod's test for a record (a plain object; JSON gives only those):
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (!isObject(v)) return false
  const ctor = (v as { constructor?: unknown }).constructor
  if (ctor === undefined || typeof ctor !== 'function') return true
  const proto = (ctor as { prototype?: unknown }).prototype
  return isObject(proto) && Object.hasOwn(proto, 'isPrototypeOf')
}

/** An object whose listed fields are checked in the listed order (optional ones accept `undefined`); others pass. */
function looseObject(shape: Readonly<Record<string, Check>>): Check {
  const fields = Object.entries(shape)
  return (v) => {
    if (!isObject(v)) return typeIssue('object')
    for (const [key, check] of fields) {
      const issue = check(v[key])
      if (issue !== undefined) return at(key, issue)
    }
    return undefined
  }
}

/** String keys (`__proto__` is skipped, as zod does) to checked values. */
function record(value: Check): Check {
  return (v) => {
    if (!isPlainObject(v)) return typeIssue('record')
    for (const key of Object.keys(v)) {
      if (key === '__proto__') continue
      const issue = value(v[key])
      if (issue !== undefined) return at(key, issue)
    }
    return undefined
  }
}

const numberLike = union(number, bigint)
const comboOption = union(string, number, boolean)

/** One combo option: a string, a number or a boolean. */
export const checkComboOption: Check = comboOption

const INPUT_OPTION_FIELDS = {
  min: optional(numberLike),
  max: optional(numberLike),
  step: optional(numberLike),
  round: optional(union(numberLike, boolean)),
  tooltip: optional(string),
  display_name: optional(string),
  forceInput: optional(boolean),
  defaultInput: optional(boolean),
  lazy: optional(boolean),
  rawLink: optional(boolean),
  advanced: optional(boolean),
  multiline: optional(boolean),
  dynamicPrompts: optional(boolean),
  multiselect: optional(boolean),
  options: optional(array(unknown)),
  control_after_generate: optional(union(boolean, string)),
}
const INPUT_OPTION_KEYS = Object.keys(INPUT_OPTION_FIELDS)
const INPUT_OPTION_CHECKS: readonly Check[] = Object.values(INPUT_OPTION_FIELDS)
const INPUT_OPTION_INDEX = new Map(INPUT_OPTION_KEYS.map((key, i) => [key, i]))

/**
 * `looseObject(INPUT_OPTION_FIELDS)` in one pass over the keys the options have (a few, of 16 typed fields, all
 * optional: an absent one passes). The issue of the earliest field in declared order is the first, as there.
 */
const inputOptions: Check = (v) => {
  if (!isObject(v)) return typeIssue('object')
  let first = -1
  let firstIssue: RawIssue | undefined
  for (const key in v) {
    const index = INPUT_OPTION_INDEX.get(key)
    if (index === undefined || (firstIssue !== undefined && index > first)) continue
    const issue = (INPUT_OPTION_CHECKS[index] as Check)(v[key])
    if (issue !== undefined) {
      first = index
      firstIssue = issue
    }
  }
  return firstIssue === undefined ? undefined : at(INPUT_OPTION_KEYS[first] as string, firstIssue)
}
const inputType = union(string, array(comboOption))

/** `[type, options?, ...ignored]`. */
export const checkInputSpec: Check = (v) => {
  if (!Array.isArray(v)) return typeIssue('tuple')
  const typeIssueAt0 = inputType(v[0])
  if (typeIssueAt0 !== undefined) return at(0, typeIssueAt0)
  const optionsIssue = optional(inputOptions)(v[1])
  return optionsIssue === undefined ? undefined : at(1, optionsIssue)
}

const inputGroup = record(checkInputSpec)

/** A whole node definition. */
export const checkNodeInfo: Check = looseObject({
  input: looseObject({
    required: nullish(inputGroup),
    optional: nullish(inputGroup),
    hidden: nullish(record(union(string, array(unknown)))),
  }),
  input_order: nullish(
    looseObject({
      required: nullish(array(string)),
      optional: nullish(array(string)),
      hidden: nullish(array(string)),
    }),
  ),
  output: array(union(string, array(comboOption))),
  output_is_list: nullish(array(nullable(boolean))),
  output_name: nullish(array(nullable(string))),
  output_tooltips: nullish(array(nullable(string))),
  output_matchtypes: nullish(array(nullable(string))),
  name: nullish(string),
  display_name: nullish(string),
  description: nullish(string),
  category: nullish(string),
  python_module: nullish(string),
  output_node: nullish(boolean),
  deprecated: nullish(boolean),
  experimental: nullish(boolean),
  dev_only: nullish(boolean),
  api_node: nullish(boolean),
  is_input_list: nullish(boolean),
  search_aliases: nullish(array(string)),
})

/**
 * The options object as the model keeps it: the typed fields first (in the order above), then the others in
 * their order, without `__proto__` (the key order zod's parse gave, on which generated files depend).
 */
export function canonicalOptions(options: RawInputOptions | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (options === undefined) return out
  // The typed fields present, as bits by declared index (16 fields), then written in that order:
  let typed = 0
  for (const key in options) {
    const index = INPUT_OPTION_INDEX.get(key)
    if (index !== undefined) typed |= 1 << index
  }
  for (let index = 0; typed !== 0; index++, typed >>>= 1) {
    if ((typed & 1) === 0) continue
    const key = INPUT_OPTION_KEYS[index] as string
    out[key] = options[key]
  }
  for (const key in options) {
    if (key === '__proto__' || INPUT_OPTION_INDEX.has(key)) continue
    out[key] = options[key]
  }
  return out
}

/** Own string keys of a record as zod's parse kept them (`__proto__` dropped). */
export function recordKeys(value: object): string[] {
  const keys = Object.keys(value)
  return keys.includes('__proto__') ? keys.filter((k) => k !== '__proto__') : keys
}
