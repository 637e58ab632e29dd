/**
 * Whether an API node can be written with its typed factory, and the TypeScript of each of its inputs.
 * Anything the types would refuse (an option from another server version, an unknown input, a missing required
 * input) makes the node fall back to the untyped `node()`, so the source always compiles and round-trips.
 * @module
 */
import type { ComboOption, InputDef, NodeDef } from '../../defs/model.js'
import { hasWidget } from '../../defs/normalize.js'
import { propertyKey } from '../names.js'
import { hasFillableDefault } from '../../dsl/node.js'
import { isOptionalInput } from '../type-text.js'
import { isWrappedList, literalSource } from './literal.js'

/** A link as the transpiler sees it: the source's variable and output type. */
export interface LinkSource {
  /** Expression of the output (`ckpt.MODEL`, `ckpt.out(1)`). */
  readonly expression: string
  /** Output type when the source is a typed node; undefined for untyped sources. */
  readonly type: string | undefined
}

export type LinkResolver = (link: [string, number]) => LinkSource

export function isLink(value: unknown): value is [string, number] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'number'
}

export interface TypedCall {
  /** Members of the inputs object literal. */
  readonly members: readonly string[]
  /** The original lacks an input the factory would fill with its default: pass `fillDefaults: false`. */
  readonly keepMissingDefaults: boolean
  /** Members of the `undeclaredInputs` option: inputs the class does not declare. */
  readonly undeclared: readonly string[]
}

/** Inputs of a typed factory call, or undefined when the node must use `node()`. */
export function typedInputs(def: NodeDef, inputs: Record<string, unknown>, resolve: LinkResolver): TypedCall | undefined {
  const byName = new Map(def.inputs.map((i) => [i.name, i]))
  const grouped = new Map<string, Record<string, unknown>>()
  const extras: string[] = []
  for (const key of Object.keys(inputs)) {
    if (byName.has(key)) continue
    // A dotted key of a V3 dynamic input (`images.image0`, `resize_type.width`):
    const dot = key.indexOf('.')
    const owner = dot > 0 ? byName.get(key.slice(0, dot)) : undefined
    if (owner !== undefined && (owner.kind === 'AUTOGROW' || owner.kind === 'DYNAMIC_COMBO')) {
      const group = grouped.get(owner.name) ?? {}
      group[key.slice(dot + 1)] = inputs[key]
      grouped.set(owner.name, group)
      continue
    }
    // An input the definition does not declare (an old editor's `upload` widget): the server ignores it and the
    // typed factory refuses it, so it goes in the node options' `undeclaredInputs` and the JSON stays the same:
    const value = inputs[key]
    extras.push(`${propertyKey(key)}: ${isLink(value) ? resolve(value).expression : literalSource(value)}`)
  }
  const members: string[] = []
  let keepMissingDefaults = false
  for (const input of def.inputs) {
    const present = Object.hasOwn(inputs, input.name) || grouped.has(input.name)
    if (!present) {
      if (!isOptionalInput(input)) return undefined
      if (hasFillableDefault(input)) keepMissingDefaults = true
      continue
    }
    const source = valueSource(input, inputs[input.name], grouped.get(input.name), resolve)
    if (source === undefined) return undefined
    members.push(`${propertyKey(input.name)}: ${source}`)
  }
  return { members, keepMissingDefaults, undeclared: extras }
}

function valueSource(
  input: InputDef,
  value: unknown,
  group: Record<string, unknown> | undefined,
  resolve: LinkResolver,
): string | undefined {
  if (input.kind === 'AUTOGROW') return autogrowSource(input.prefix, input.template, group ?? {}, resolve)
  if (input.kind === 'DYNAMIC_COMBO') return comboSource(input.choices, value, group ?? {}, resolve)
  if (group !== undefined) return undefined
  if (isLink(value)) return linkSource(input, value, resolve)
  if (Array.isArray(value)) return undefined
  return literalFits(input, value) ? literalSource(value) : undefined
}

/** A link into an input, cast when the source's type is not one the input accepts (or is unknown). */
function linkSource(input: InputDef, link: [string, number], resolve: LinkResolver): string | undefined {
  const source = resolve(link)
  const accepted = acceptedTypes(input)
  if (accepted === 'any') return source.expression
  if (source.type !== undefined && (source.type === '*' || accepted.includes(source.type))) return source.expression
  const target = accepted[0]
  return target === undefined ? undefined : `castOutput<${literalSource(target)}>(${source.expression})`
}

/** Output types an input's link accepts, or `any` for `*` inputs. */
function acceptedTypes(input: InputDef): readonly string[] | 'any' {
  switch (input.kind) {
    case 'INT':
    case 'FLOAT':
    case 'STRING':
    case 'BOOLEAN':
      return [input.kind]
    case 'COMBO':
      return ['COMBO']
    case 'MATCHTYPE':
      // The factory's type parameter must be inferred from an output of an allowed type:
      return input.allowedTypes ?? 'any'
    case 'AUTOGROW':
    case 'DYNAMIC_COMBO':
      return []
    default:
      return input.types.includes('*') ? 'any' : input.types
  }
}

function literalFits(input: InputDef, value: unknown): boolean {
  switch (input.kind) {
    case 'INT':
      return (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint'
    case 'FLOAT':
      return typeof value === 'number' && Number.isFinite(value)
    case 'STRING':
      return typeof value === 'string'
    case 'BOOLEAN':
      return typeof value === 'boolean'
    case 'COMBO': {
      if (input.multiselect) return false
      if (input.fileBacked || input.options.length === 0) return typeof value === 'string'
      return input.options.includes(value as ComboOption)
    }
    case 'LINK':
      return hasWidget(input) && value !== undefined && !isWrappedList(value)
    default:
      return false
  }
}

function autogrowSource(
  prefix: string | undefined,
  template: InputDef,
  group: Record<string, unknown>,
  resolve: LinkResolver,
): string | undefined {
  const entries = Object.entries(group)
  const items: string[] = []
  for (const [, value] of entries) {
    const source = valueSource(template, value, undefined, resolve)
    if (source === undefined) return undefined
    items.push(source)
  }
  // Entries image0..imageN-1 in order become a list; anything else a record:
  const contiguous = prefix !== undefined && entries.every(([key], i) => key === `${prefix}${i}`)
  if (contiguous) return `[${items.join(', ')}]`
  return `{ ${entries.map(([key], i) => `${propertyKey(key)}: ${items[i]}`).join(', ')} }`
}

function comboSource(
  choices: readonly { readonly key: string; readonly inputs: readonly InputDef[] }[],
  value: unknown,
  group: Record<string, unknown>,
  resolve: LinkResolver,
): string | undefined {
  const choice = choices.find((c) => c.key === value)
  if (choice === undefined) return undefined
  const subs = new Map(choice.inputs.map((i) => [i.name, i]))
  const nested = new Map<string, Record<string, unknown>>()
  const parts = [`key: ${literalSource(choice.key)}`]
  const direct: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(group)) {
    const dot = key.indexOf('.')
    if (dot > 0 && subs.get(key.slice(0, dot))?.kind === 'DYNAMIC_COMBO') {
      const inner = nested.get(key.slice(0, dot)) ?? {}
      inner[key.slice(dot + 1)] = item
      nested.set(key.slice(0, dot), inner)
    } else if (subs.has(key)) direct[key] = item
    else return undefined
  }
  for (const sub of choice.inputs) {
    const present = Object.hasOwn(direct, sub.name)
    if (!present) {
      if (sub.required) return undefined
      continue
    }
    const source =
      sub.kind === 'DYNAMIC_COMBO'
        ? comboSource(sub.choices, direct[sub.name], nested.get(sub.name) ?? {}, resolve)
        : valueSource(sub, direct[sub.name], undefined, resolve)
    if (source === undefined) return undefined
    parts.push(`${propertyKey(sub.name)}: ${source}`)
  }
  return `{ ${parts.join(', ')} }`
}

/** Inputs of an untyped `node()` call: literals as written, lists unwrapped, links as outputs. */
export function untypedInputs(inputs: Record<string, unknown>, resolve: LinkResolver): string[] {
  return Object.entries(inputs).map(([key, value]) => {
    const source = isLink(value) ? resolve(value).expression : literalSource(value)
    return `${propertyKey(key)}: ${source}`
  })
}
