/**
 * The run-time half of every node factory: builds immutable node handles.
 * @module
 */
import type { ComboOption, DefSet, InputDef, NodeDef } from '../defs/model.js'
import { suggestNames } from '../defs/suggest.js'
import { InvalidArgumentError, NodeInputError, UnknownNodeClassError } from '../errors.js'
import { setOwn } from './prompt.js'
import { WalkState } from './walk-state.js'
import {
  NODE_BRAND,
  OUTPUT_BRAND,
  type InputValue,
  type NodeHandle,
  type NodeOptions,
  type Output,
  type UntypedNode,
} from './output.js'

/** How a V3 dynamic input is flattened into dotted prompt keys. */
export type DynamicSpec =
  /** Autogrow, prefix form: an array fills `<name>.<prefix>0`, `<name>.<prefix>1`... */
  | { readonly autogrow: string }
  /** Autogrow, names form: a record keyed by the listed names. */
  | { readonly autogrowNames: readonly string[] }
  /** DynamicCombo: `{ key, ...subInputs }` becomes `<name>: key` and `<name>.<sub>: value`. */
  | { readonly combo: true }

/** What a factory knows about its class at run time. Generated factories pass a constant of this shape. */
export interface NodeSpec {
  readonly classType: string
  /** Output types by slot. */
  readonly outputs: readonly string[]
  /** Output names to expose as properties, by slot (`null`: not exposed, e.g. a duplicate name). */
  readonly names?: readonly (string | null)[]
  /** Server defaults of required inputs, filled in when the caller leaves them out. */
  readonly defaults?: Readonly<Record<string, InputValue>>
  readonly dynamic?: Readonly<Record<string, DynamicSpec>>
  /**
   * Every input name the class takes, the required ones first. When given, an unknown name, or `undefined` for a
   * required input without a default, throws {@link NodeInputError} (calls from JavaScript or through `any`).
   */
  readonly inputNames?: readonly string[]
  /** How many of {@link inputNames}, from the first, are required (default 0). */
  readonly required?: number
}

/** Handle members that an output name must not shadow (such outputs are reached with `out(i)` only). */
export const RESERVED_HANDLE_NAMES: ReadonlySet<string> = new Set([
  'classType',
  'inputs',
  'id',
  'title',
  'outputTypes',
  'out',
  'then',
  'constructor',
  '__proto__',
])

class OutputImpl {
  declare readonly [OUTPUT_BRAND]: true
  constructor(
    readonly node: NodeHandle,
    readonly slot: number,
    readonly type: string,
  ) {}
}
Object.defineProperty(OutputImpl.prototype, OUTPUT_BRAND, { value: true })

/** @internal The walk state of a handle; `undefined` for a handle of another copy of the package. */
export let walkStateOf: (handle: NodeHandle) => WalkState | undefined

class NodeImpl {
  declare readonly [NODE_BRAND]: true
  readonly id: string | undefined
  readonly title: string | undefined
  readonly #outputs: readonly Output[]
  readonly #known: boolean
  // Private, so it stays the serializer's; the fields of the state object stay writable on the frozen handle:
  readonly #walkState: WalkState

  static {
    walkStateOf = (handle) => (#walkState in handle ? handle.#walkState : undefined)
  }

  constructor(
    readonly classType: string,
    readonly inputs: Readonly<Record<string, InputValue | undefined>>,
    readonly outputTypes: readonly string[],
    known: boolean,
    options: NodeOptions | undefined,
  ) {
    this.id = options?.id === undefined ? undefined : String(options.id)
    this.title = options?.title
    this.#known = known
    this.#outputs = outputTypes.map((type, slot) => new OutputImpl(this, slot, type) as unknown as Output)
    this.#walkState = new WalkState(this as unknown as NodeHandle, walkStateOf)
  }

  out(i: number): Output {
    const output = this.#outputs[i]
    if (output !== undefined) return output
    if (this.#known || !Number.isInteger(i) || i < 0) {
      throw new InvalidArgumentError(
        `${this.classType}.out(${String(i)}): the node has ${this.outputTypes.length} output(s), slots 0 to ${this.outputTypes.length - 1}`,
      )
    }
    // Outputs of a class whose definition is unknown: any slot, typed `*`:
    return new OutputImpl(this, i, '*') as unknown as Output
  }
}
Object.defineProperty(NodeImpl.prototype, NODE_BRAND, { value: true })

/**
 * @internal Creates a node from a {@link NodeSpec}: fills defaults, flattens V3 dynamic inputs, exposes named
 * outputs. Generated factories call this; users call {@link node} or the factories.
 */
export function createNode<N extends NodeHandle = UntypedNode>(
  spec: NodeSpec,
  inputs: object,
  options?: NodeOptions,
  known = true,
): N {
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
    throw new InvalidArgumentError(`${spec.classType}: inputs must be an object of input names to values`)
  }
  const given = inputs as Readonly<Record<string, unknown>>
  if (spec.inputNames !== undefined) checkInputNames(spec, given)
  const flat: Record<string, InputValue | undefined> = {}
  if (spec.defaults && options?.fillDefaults !== false) {
    for (const key in spec.defaults) if (given[key] === undefined) flat[key] = spec.defaults[key]
  }
  for (const key in given) {
    const value = given[key] as InputValue | undefined
    const dynamic = spec.dynamic?.[key]
    if (dynamic !== undefined && value !== undefined) flattenDynamic(spec.classType, key, value, dynamic, flat)
    else setOwn(flat, key, value)
  }
  const undeclared = options?.undeclaredInputs
  if (undeclared !== undefined) for (const key in undeclared) if (!Object.hasOwn(flat, key)) setOwn(flat, key, undeclared[key])
  const handle = new NodeImpl(spec.classType, Object.freeze(flat), spec.outputs, known, options)
  if (spec.names) {
    const record = handle as unknown as Record<string, unknown>
    spec.names.forEach((name, slot) => {
      if (name !== null && !RESERVED_HANDLE_NAMES.has(name)) record[name] = handle.out(slot)
    })
  }
  return Object.freeze(handle) as unknown as N
}

function checkInputNames(spec: NodeSpec, given: Readonly<Record<string, unknown>>): void {
  const names = spec.inputNames as readonly string[]
  for (const key in given) {
    if (!names.includes(key)) {
      const close = suggestNames(key, names)
      const hint = close.length > 0 ? `; did you mean ${close.map((n) => `"${n}"`).join(', ')}?` : ` (inputs: ${names.join(', ')})`
      throw new NodeInputError(spec.classType, key, `the class has no such input${hint}`)
    }
  }
  for (let i = 0; i < (spec.required ?? 0); i++) {
    const name = names[i] as string
    if (given[name] === undefined && spec.defaults?.[name] === undefined) {
      throw new NodeInputError(spec.classType, name, `required, but ${Object.hasOwn(given, name) ? 'undefined was given' : 'not given'}`)
    }
  }
}

function flattenDynamic(
  classType: string,
  name: string,
  value: InputValue,
  dynamic: DynamicSpec,
  into: Record<string, InputValue | undefined>,
): void {
  if ('autogrow' in dynamic) {
    if (Array.isArray(value)) {
      value.forEach((item: InputValue, i: number) => {
        into[`${name}.${dynamic.autogrow}${i}`] = item
      })
      return
    }
  }
  if ('autogrow' in dynamic || 'autogrowNames' in dynamic) {
    if (!isPlainObject(value)) {
      throw new InvalidArgumentError(`${classType}: input "${name}" takes a list or a record of entries`)
    }
    for (const [entry, item] of Object.entries(value)) into[`${name}.${entry}`] = item
    return
  }
  flattenCombo(classType, name, value, into)
}

// A DynamicCombo value is the chosen key, or `{ key, ...subInputs }`; a sub-input that is itself such an
// object (with a string `key`) is a nested DynamicCombo:
function flattenCombo(classType: string, name: string, value: InputValue, into: Record<string, InputValue | undefined>): void {
  if (!isPlainObject(value)) {
    into[name] = value
    return
  }
  const key = value['key']
  if (typeof key !== 'string') {
    throw new InvalidArgumentError(`${classType}: input "${name}" takes { key: <option>, ...sub-inputs }`)
  }
  into[name] = key
  for (const [sub, item] of Object.entries(value)) {
    if (sub === 'key') continue
    if (isPlainObject(item) && typeof item['key'] === 'string') flattenCombo(classType, `${name}.${sub}`, item, into)
    else into[`${name}.${sub}`] = item
  }
}

function isPlainObject(value: unknown): value is Record<string, InputValue> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

/** Builds the run-time spec of a class from its definition (for {@link node} with run-time defs). */
export function specFromDef(def: NodeDef): NodeSpec {
  const defaults: Record<string, InputValue> = {}
  const dynamic: Record<string, DynamicSpec> = {}
  for (const input of def.inputs) {
    if (input.required && hasFillableDefault(input)) defaults[input.name] = input.default as InputValue
    if (input.kind === 'AUTOGROW') {
      dynamic[input.name] = input.prefix !== undefined ? { autogrow: input.prefix } : { autogrowNames: input.names }
    } else if (input.kind === 'DYNAMIC_COMBO') dynamic[input.name] = { combo: true }
  }
  return {
    classType: def.classType,
    outputs: def.outputs.map((o) => o.type),
    names: outputPropertyNames(def),
    defaults,
    dynamic,
    ...inputNamesSpec(def),
  }
}

/**
 * The input names of a class, required ones first, and how many are required: an Autogrow with min 0 may be left
 * out, and so may an input with a default the factory fills; every other required input needs a value.
 * Generated factories and {@link node} with run-time definitions follow this one rule.
 */
export function inputNamesSpec(def: NodeDef): { inputNames: string[]; required: number } {
  const isRequired = (i: InputDef): boolean => i.required && !(i.kind === 'AUTOGROW' && i.min === 0) && !hasFillableDefault(i)
  const required = def.inputs.filter(isRequired).map((i) => i.name)
  return { inputNames: [...required, ...def.inputs.filter((i) => !isRequired(i)).map((i) => i.name)], required: required.length }
}

/** Output names a handle exposes as properties, by slot: unique names only, never a handle member (else null). */
export function outputPropertyNames(def: NodeDef): (string | null)[] {
  const counts = new Map<string, number>()
  for (const o of def.outputs) counts.set(o.name, (counts.get(o.name) ?? 0) + 1)
  return def.outputs.map((o) => (counts.get(o.name) === 1 && !RESERVED_HANDLE_NAMES.has(o.name) ? o.name : null))
}

/**
 * A server default the factories write when a required input is left out: literals of the input's own type,
 * and combo defaults that are in the list. File lists differ per machine, so their default is never baked in.
 * Generated factories and `node()` with run-time definitions follow this one rule.
 */
export function hasFillableDefault(input: InputDef): boolean {
  if (input.default === undefined || input.default === null) return false
  switch (input.kind) {
    case 'INT':
    case 'FLOAT':
      return typeof input.default === 'number' || typeof input.default === 'bigint'
    case 'STRING':
      return typeof input.default === 'string'
    case 'BOOLEAN':
      return typeof input.default === 'boolean'
    case 'COMBO':
      return !input.fileBacked && !input.multiselect && input.options.includes(input.default as ComboOption)
    default:
      return false
  }
}

export interface NodeFunctionOptions extends NodeOptions {
  /** Definitions to check the class against (unknown classes throw with suggestions) and take outputs from. */
  readonly defs?: DefSet
}

/**
 * Generic node factory, for class names that are not identifiers and for definitions loaded at run time.
 *
 * ```ts
 * const seed = node('easy seed', { seed: 5 }, { defs })
 * ```
 */
export function node(
  classType: string,
  inputs: Readonly<Record<string, unknown>> = {},
  options: NodeFunctionOptions = {},
): UntypedNode {
  const { defs, ...nodeOptions } = options
  if (defs === undefined) return createNode({ classType, outputs: [] }, inputs, nodeOptions, false)
  const def = defs.classes.get(classType)
  if (def === undefined) throw new UnknownNodeClassError(classType, suggestNames(classType, defs.classes.keys()))
  return createNode(specFromDef(def), inputs, nodeOptions)
}

/** A {@link node} function bound to one set of definitions. */
export function nodeFactory(defs: DefSet): (classType: string, inputs?: Readonly<Record<string, unknown>>, options?: NodeOptions) => UntypedNode {
  return (classType, inputs = {}, options = {}) => node(classType, inputs, { ...options, defs })
}
