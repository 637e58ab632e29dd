/**
 * Graph to ComfyUI API JSON: walks back from the given nodes, as ComfyUI only runs what output nodes reach.
 * @module
 */
import { describeValue, SerializationError } from '../errors.js'
import { postOrder } from '../graph/post-order.js'
import { guardExactIntegers, stringifyJson } from '../json/lossless.js'
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
  return buildPrompt(roots).prompt
}

/** {@link toPrompt} that also returns the id given to every node handle. */
export function buildPrompt(roots: readonly PromptRoot[]): ToPromptResult {
  firstUnsafeInteger = undefined
  const order = reachableInDependencyOrder(roots)
  const ids = assignIds(order)
  const prompt: ApiPrompt = {}
  for (const handle of order) {
    const id = ids.get(handle) as string
    const inputs: Record<string, ApiValue> = {}
    for (const name in handle.inputs) {
      const value = handle.inputs[name]
      if (value === undefined) continue
      setOwn(inputs, name, serializeInput(value, ids, id, name))
    }
    const node: ApiNode = { class_type: handle.classType, inputs }
    if (handle.title !== undefined) node._meta = { title: handle.title }
    prompt[id] = node
  }
  // Bigints up to 2^53 became numbers; beyond, JSON.stringify(prompt) says to use stringifyJson instead of a TypeError:
  const unsafe = firstUnsafeInteger as { where: string; value: bigint } | undefined
  if (unsafe !== undefined) guardExactIntegers(prompt, 'the prompt', unsafe.where, unsafe.value)
  return { prompt, ids }
}

// The first bigint beyond 2^53 met by literal() during the current buildPrompt:
let firstUnsafeInteger: { where: string; value: bigint } | undefined

/** {@link toPrompt} straight to JSON text; seeds above 2^53 (bigint) are written exactly. */
export function toPromptJson(roots: readonly PromptRoot[], indent?: number): string {
  return stringifyJson(toPrompt(...roots), indent)
}

// Dependencies before dependents; the DSL cannot build a cycle, but a mutated handle could:
function reachableInDependencyOrder(roots: readonly PromptRoot[]): NodeHandle[] {
  const starts = roots.map((root) => {
    const start = isOutput(root) ? root.node : root
    if (!isNodeHandle(start)) {
      throw new SerializationError(undefined, undefined, `toPrompt() takes nodes or outputs, received ${describeValue(root)}`)
    }
    return start
  })
  return postOrder(starts, dependencies, undefined, (_path, from, dep) => {
    throw new SerializationError(from.id, undefined, `the graph has a cycle through ${dep.classType}`)
  })
}

function dependencies(handle: NodeHandle): NodeHandle[] {
  const deps: NodeHandle[] = []
  for (const name in handle.inputs) collectOutputs(handle.inputs[name], deps)
  return deps
}

function collectOutputs(value: unknown, into: NodeHandle[]): void {
  if (typeof value !== 'object' || value === null) return
  if (isOutput(value)) {
    into.push(value.node)
    return
  }
  // Outputs nested in lists or objects are an error, reported with the node id once ids exist.
}

function assignIds(order: readonly NodeHandle[]): Map<NodeHandle, string> {
  const ids = new Map<NodeHandle, string>()
  const pinned = new Map<string, NodeHandle>()
  for (const handle of order) {
    if (handle.id === undefined) continue
    const other = pinned.get(handle.id)
    if (other !== undefined && other !== handle) {
      throw new SerializationError(
        handle.id,
        undefined,
        `two nodes pin the same id (${other.classType} and ${handle.classType})`,
      )
    }
    pinned.set(handle.id, handle)
    ids.set(handle, handle.id)
  }
  let next = 1
  for (const handle of order) {
    if (handle.id !== undefined) continue
    while (pinned.has(String(next))) next++
    ids.set(handle, String(next++))
  }
  return ids
}

function serializeInput(value: InputValue, ids: ReadonlyMap<NodeHandle, string>, nodeId: string, name: string): ApiValue {
  if (isOutput(value)) return [ids.get(value.node) as string, value.slot]
  if (Array.isArray(value)) {
    return { __value__: value.map((item, i) => literal(item, nodeId, name, [i])) }
  }
  return literal(value, nodeId, name, []) as ApiValue
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

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
