/**
 * Graph to ComfyUI API JSON: walks back from the given nodes, as ComfyUI only runs what output nodes reach.
 * @module
 */
import { describeValue, SerializationError } from '../errors.js'
import { walkPostOrder } from '../graph/post-order.js'
import { guardExactIntegers, stringifyJson } from '../json/lossless.js'
import { walkStateOf } from './node.js'
import { WalkState } from './walk-state.js'
import { orderHandles } from './order.js'
import { expandNodes } from './expanded-nodes.js'
import { promptText } from './prompt-text.js'
import { anySubgraphInstances, expandSubgraphs, subgraphOf } from './subgraph.js'
import { isNodeHandle, isOutput, type InputValue, type NodeHandle, type Output } from './output.js'

/** A link in API JSON: `[source node id, output slot]`. */
export type ApiLink = [string, number]

/** A literal value in API JSON; literal lists are wrapped as `{"__value__": [...]}`. */
export type ApiValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | ApiLink
  | { __value__: unknown[] }
  | { [key: string]: unknown }

export interface ApiNode {
  class_type: string
  inputs: Record<string, ApiValue>
  _meta?: { title: string }
}

/** A ComfyUI API-format prompt: node id to node. */
export type ApiPrompt = Record<string, ApiNode>

/** A root of the walk: a node, or an output of one (its node is taken). */
export type PromptRoot = NodeHandle | Output

export interface ToPromptResult {
  readonly prompt: ApiPrompt
  /** The id each reachable node received. */
  readonly ids: ReadonlyMap<NodeHandle, string>
}

/**
 * Turns the nodes reachable from `roots` into API JSON. Ids are assigned in dependency order (`"1"`, `"2"`...)
 * skipping ids that nodes pinned, so the same code always gives the same bytes.
 * Throws {@link SerializationError} naming node and input for values JSON cannot carry.
 */
export function toPrompt(...roots: PromptRoot[]): ApiPrompt {
  const { prompt, states, ids } = build(roots)
  return guarded(expanded(prompt, states, ids))
}

/** {@link toPrompt} that also returns the id given to every node handle. */
export function buildPrompt(roots: readonly PromptRoot[]): ToPromptResult {
  const { prompt, states, ids } = build(roots)
  return { prompt: guarded(expanded(prompt, states, ids)), ids: idsByHandle(states, ids) }
}

/**
 * @internal {@link buildPrompt} with subgraph instances kept as nodes (class type: the definition's id), for the UI
 * workflow, which keeps them as instance nodes.
 */
export function buildUnexpandedPrompt(roots: readonly PromptRoot[]): ToPromptResult {
  const { prompt, states, ids } = build(roots)
  return { prompt: guarded(prompt), ids: idsByHandle(states, ids) }
}

function idsByHandle(states: readonly WalkState[], ids: readonly string[]): Map<NodeHandle, string> {
  return new Map(states.map((state, i) => [state.handle, ids[i] as string]))
}

// Bigints up to 2^53 became numbers; beyond, JSON.stringify(prompt) says to use stringifyJson instead of a TypeError:
function guarded(prompt: ApiPrompt): ApiPrompt {
  const unsafe = firstUnsafeInteger as { where: string; value: bigint } | undefined
  return unsafe === undefined ? prompt : guardExactIntegers(prompt, 'the prompt', unsafe.where, unsafe.value)
}

function build(roots: readonly PromptRoot[]): { prompt: ApiPrompt; states: readonly WalkState[]; ids: readonly string[] } {
  const { states, placeOf, ids } = walk(roots)
  return { prompt: entries(states, ids, placeOf, undefined), states, ids }
}

// The reachable nodes in dependency order with their ids, for one serialization:
function walk(roots: readonly PromptRoot[]): Reachable & { ids: string[] } {
  firstUnsafeInteger = undefined
  const { states, placeOf } = reachableInDependencyOrder(roots)
  return { states, placeOf, ids: assignIds(states) }
}

// The loop of build() on its own: in build itself, V8 optimized it on the stack each call and threw that code
// away at the object build returns (a deoptimization per call on a 10,000-node graph).
function entries(
  states: readonly WalkState[],
  ids: readonly string[],
  placeOf: (handle: NodeHandle) => number,
  transform: ((value: ApiValue) => ApiValue) | undefined,
): ApiPrompt {
  const idOf = (handle: NodeHandle): string => ids[placeOf(handle)] as string
  const prompt: ApiPrompt = {}
  for (let i = 0; i < states.length; i++) {
    const state = states[i] as WalkState
    const id = ids[i] as string
    // The nodes links come from are the state's dependencies, in input order (without them, placeOf finds them):
    const linked = state.dependencies
    let nextLink = 0
    const inputs: Record<string, ApiValue> = {}
    const given = state.inputs
    // Object.keys, not for-in: 5x faster on the frozen input records, same order:
    const keys = Object.keys(given)
    for (let k = 0; k < keys.length; k++) {
      const name = keys[k] as string
      const value = given[name]
      if (value === undefined) continue
      let serialized: ApiValue
      // Strings, finite numbers and links (most inputs) inline; the rest is checked by serializeInput:
      if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) serialized = value
      else if (isOutput(value)) serialized = [ids[linked === undefined ? placeOf(value.node) : (linked[nextLink++] as WalkState).place] as string, value.slot]
      else {
        serialized = serializeInput(value, idOf, id, name)
        if (transform !== undefined) serialized = transform(serialized)
      }
      if (name === '__proto__') setOwn(inputs, name, serialized)
      else inputs[name] = serialized
    }
    const node: ApiNode = { class_type: state.classType, inputs }
    if (state.title !== undefined) node._meta = { title: state.title }
    prompt[id] = node
  }
  return prompt
}

// Subgraph instances expand into their inner nodes (`5:3`), as the editor queues them; graphs without any pay nothing:
function expanded(prompt: ApiPrompt, states: readonly WalkState[], ids: readonly string[]): ApiPrompt {
  if (!hasSubgraphInstances(states)) return prompt
  return expandSubgraphs(prompt, new Map(states.map((state, i) => [ids[i] as string, state.handle])))
}

// The first bigint beyond 2^53 met by literal() during the current buildPrompt:
let firstUnsafeInteger: { where: string; value: bigint } | undefined

/** {@link toPrompt} straight to JSON text; seeds above 2^53 (bigint) are written exactly. */
export function toPromptJson(roots: readonly PromptRoot[], indent?: number): string {
  const { states, placeOf, ids } = walk(roots)
  // The text written node by node, without the prompt object, unless the indent is not a whole number (V8 then
  // breaks lines without indenting them):
  const whole = indent === undefined || Number.isInteger(indent)
  if (!hasSubgraphInstances(states)) {
    if (whole) return promptText(states, ids, placeOf, otherValueText, gapOf(indent))
    // The prompt built JSON-ready (bigints as numbers when exact, else marked) for one native JSON.stringify,
    // without a replacer called for every key and value (twice as fast):
    const marks = { found: false }
    const text = JSON.stringify(entries(states, ids, placeOf, (value) => jsonReady(value, marks) as ApiValue), null, indent)
    return marks.found ? text.replace(MARKED_BIGINT, '$1') : text
  }
  // Subgraphs expanded as the writer goes, unless an id pinned with a colon could be that of an inner node (`5:3`;
  // the prompt object keeps one of the two):
  if (whole && !ids.some((id) => id.includes(':'))) {
    const nodes = expandNodes(states, ids, placeOf, checkArgument)
    return promptText(nodes.states, nodes.ids, placeOf, otherValueText, gapOf(indent), nodes.linkEnd)
  }
  // The prompt object as stringifyJson(toPrompt()) writes it (the inner nodes' bigints exact too):
  return stringifyJson(expanded(entries(states, ids, placeOf, undefined), states, ids), indent)
}

// The indentation JSON.stringify makes of a whole number: up to 10 spaces, none below 1:
function gapOf(indent: number | undefined): string {
  return indent !== undefined && indent >= 1 ? ' '.repeat(Math.min(10, indent)) : ''
}

function hasSubgraphInstances(states: readonly WalkState[]): boolean {
  return anySubgraphInstances() && states.some((state) => subgraphOf(state.handle) !== undefined)
}

// An input promptText leaves to JSON.stringify: a list or object (checked by serializeInput, which throws for what
// JSON cannot carry; links are written by promptText, so no id is looked up here), bigints exact, indented by `gap`
// with its lines after the first starting with `prefix` (JSON text holds line breaks only between its parts).
function otherValueText(value: unknown, nodeId: string, name: string, gap: string, prefix: string): string {
  const marks = { found: false }
  const noLinks = (): string => ''
  let text = JSON.stringify(jsonReady(serializeInput(value as InputValue, noLinks, nodeId, name), marks), null, gap)
  if (gap !== '') text = text.replaceAll('\n', prefix)
  return marks.found ? text.replace(MARKED_BIGINT, '$1') : text
}

// A literal passed to a subgraph: serialized only to throw what the prompt object would for it.
function checkArgument(value: InputValue, nodeId: string, name: string): void {
  serializeInput(value, () => '', nodeId, name)
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER)
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const BIGINT_MARK = '\u0000bigint:'
const MARKED_BIGINT = /"\\u0000bigint:(-?\d+)"/g

// A serialized value with its bigints as numbers (exact ones) or marked strings; links and strings as they are.
function jsonReady(value: unknown, marks: { found: boolean }): unknown {
  if (typeof value === 'bigint') {
    if (value >= MIN_SAFE && value <= MAX_SAFE) return Number(value)
    marks.found = true
    return `${BIGINT_MARK}${value}`
  }
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) {
    // A link `[id, slot]` has no bigint; literal lists and objects are copied only when they hold one:
    return value.some((item) => typeof item === 'bigint' || (typeof item === 'object' && item !== null)) ? value.map((item) => jsonReady(item, marks)) : value
  }
  const out: Record<string, unknown> = {}
  for (const key in value) setOwn(out, key, jsonReady((value as Record<string, unknown>)[key], marks))
  return out
}

// Dependencies before dependents; the DSL cannot build a cycle, but a mutated handle could:
function reachableInDependencyOrder(roots: readonly PromptRoot[]): Reachable {
  const starts = roots.map((root) => {
    const start = isOutput(root) ? root.node : root
    if (!isNodeHandle(start)) {
      throw new SerializationError(undefined, undefined, `toPrompt() takes nodes or outputs, received ${describeValue(root)}`)
    }
    return start
  })
  const onCycle = (from: NodeHandle, dep: NodeHandle): never => {
    throw new SerializationError(from.id, undefined, `the graph has a cycle through ${dep.classType}`)
  }
  // Handles of another copy of the package (brands are shared) have no walk states; a Map walks them, and they get
  // states for this walk only:
  const states = orderHandles(starts, onCycle)
  if (states !== undefined) return { states, placeOf: (handle) => (walkStateOf(handle) as WalkState).place }
  const { order, position } = walkPostOrder(starts, dependencies, undefined, (_path, from, dep) => onCycle(from, dep))
  return { states: order.map((handle) => new WalkState(handle, undefined)), placeOf: (handle) => position.get(handle) as number }
}

interface Reachable {
  /** In dependency order. */
  readonly states: readonly WalkState[]
  /** The place of a handle in `states`. */
  placeOf(handle: NodeHandle): number
}

const NO_DEPENDENCIES: readonly NodeHandle[] = []

// Outputs nested in lists or objects are not dependencies: they are an error, reported once ids exist.
function dependencies(handle: NodeHandle): readonly NodeHandle[] {
  let deps: NodeHandle[] | undefined
  const values = Object.values(handle.inputs)
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (isOutput(value)) (deps ??= []).push(value.node)
  }
  return deps ?? NO_DEPENDENCIES
}


// Ids by position in `states`: pinned ids kept, the others numbered from 1 skipping pinned ones.
function assignIds(states: readonly WalkState[]): string[] {
  const ids = new Array<string>(states.length)
  let pinned: Map<string, WalkState> | undefined
  for (let i = 0; i < states.length; i++) {
    const state = states[i] as WalkState
    const id = state.pinnedId
    if (id === undefined) continue
    pinned ??= new Map()
    const other = pinned.get(id)
    if (other !== undefined && other.handle !== state.handle) {
      throw new SerializationError(id, undefined, `two nodes pin the same id (${other.classType} and ${state.classType})`)
    }
    pinned.set(id, state)
    ids[i] = id
  }
  let next = 1
  for (let i = 0; i < states.length; i++) {
    if (ids[i] !== undefined) continue
    if (pinned !== undefined) while (pinned.has(String(next))) next++
    ids[i] = String(next++)
  }
  return ids
}

function serializeInput(value: InputValue, idOf: (handle: NodeHandle) => string, nodeId: string, name: string): ApiValue {
  // Most inputs are plain strings, numbers and links:
  const type = typeof value
  // (bigints go through literal(), which writes those up to 2^53 as numbers)
  if (type === 'string' || type === 'boolean' || (type === 'number' && Number.isFinite(value))) return value as ApiValue
  if (isOutput(value)) return [idOf(value.node), value.slot]
  if (Array.isArray(value)) {
    return { __value__: value.map((item, i) => literal(item, nodeId, name, [i])) }
  }
  return literal(value, nodeId, name, []) as ApiValue
}


// Checks a literal (recursively) and returns it in JSON-safe form:
function literal(value: unknown, nodeId: string, name: string, path: (string | number)[], seen = new Set<object>()): unknown {
  const fail = (reason: string): never => {
    throw new SerializationError(nodeId, name, reason, { path: [nodeId, 'inputs', name, ...path] })
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'bigint':
      if (value >= -MAX_SAFE && value <= MAX_SAFE) return Number(value)
      firstUnsafeInteger ??= { where: `node "${nodeId}" input "${name}"`, value }
      return value
    case 'number':
      return Number.isFinite(value) ? value : fail(`${String(value)} cannot be written as JSON (expected a finite number)`)
    case 'undefined':
      return fail('undefined inside a list or object cannot be written as JSON')
    case 'function':
    case 'symbol':
      return fail(`a ${typeof value} cannot be written as JSON`)
  }
  if (value === null) return null
  if (isOutput(value)) return fail('a link inside a list or object; links must be the whole input value')
  if (isNodeHandle(value)) return fail('a node is not a value; pass one of its outputs (node.out(i))')
  const object = value as object
  if (seen.has(object)) return fail('the value refers to itself')
  seen.add(object)
  try {
    if (Array.isArray(object)) return object.map((item, i) => literal(item, nodeId, name, [...path, i], seen))
    const proto = Object.getPrototypeOf(object) as unknown
    if (proto !== Object.prototype && proto !== null) {
      return fail(`${describeValue(object)} (${(object as { constructor?: { name?: string } }).constructor?.name ?? 'object'}) is not a plain JSON value`)
    }
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(object)) {
      if (item === undefined) continue
      setOwn(out, key, literal(item, nodeId, name, [...path, key], seen))
    }
    return out
  } finally {
    seen.delete(object)
  }
}

/** Sets an own property, also for the key `__proto__` (which plain assignment turns into a prototype change). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else target[key] = value
}
