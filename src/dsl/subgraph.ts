/**
 * Subgraphs from TypeScript functions: `defineSubgraph('Upscale', (image, scale) => …)` returns a function whose
 * every call is one instance node of one definition. The body runs once, on the first call, with placeholder
 * outputs for its parameters; what it returns (an output, a list or a record of outputs) are the subgraph's
 * outputs. In API JSON an instance expands as the ComfyUI editor expands subgraphs: its inner nodes get the ids
 * `<instance id>:<inner id>`, inner ids numbered after the graph's own, as in the UI workflow `toWorkflow` writes.
 * @module
 */
import { describeValue, InvalidArgumentError, SerializationError } from '../errors.js'
import { createNode } from './node.js'
import { isNodeHandle, isOutput, type NodeHandle, type Output } from './output.js'
import { buildUnexpandedPrompt, setOwn, type ApiPrompt, type ApiValue } from './prompt.js'

/** Class of the placeholder node whose outputs stand for a subgraph's parameters while its body runs. */
export const SUBGRAPH_INPUT_CLASS = '__subgraph_input__'

/** One subgraph, traced: its inner prompt (local ids), parameter and output names. */
export interface SubgraphDefinition {
  readonly name: string
  /** A UUID derived from the name: the instance nodes' `type` in the UI workflow. */
  readonly id: string
  /** The inner nodes as API JSON with local ids; links to {@link placeholderId} are parameters (slot = index). */
  readonly inner: ApiPrompt
  readonly handles: ReadonlyMap<string, NodeHandle>
  readonly placeholderId: string | undefined
  /** Parameter names, after the first inner input each feeds (`_1`... when taken), as the editor names them. */
  readonly inputNames: readonly string[]
  /** Parameter types: the type of the first inner input each feeds, `*` when none. */
  readonly outputs: readonly { readonly name: string; readonly type: string; readonly source: readonly [string, number] }[]
}

const instances = new WeakMap<NodeHandle, SubgraphDefinition>()
let instanceCount = 0

/** The definition an instance node belongs to, if it is one. */
export function subgraphOf(handle: NodeHandle): SubgraphDefinition | undefined {
  return instanceCount === 0 ? undefined : instances.get(handle)
}

/** True once any subgraph instance exists (serialization skips the expansion pass before). */
export function anySubgraphInstances(): boolean {
  return instanceCount > 0
}

type Returned = Output | readonly Output[] | { readonly [key: string]: Output }

/**
 * Marks a function as a ComfyUI subgraph. Parameters that receive outputs become subgraph inputs (sockets);
 * parameters that receive literals become promoted widgets. The editor shares a promoted widget's value among all
 * instances, so every call must pass the same literal there (`toWorkflow` checks; API JSON takes each call's value).
 * Parameters may only be passed on to node inputs, not computed with.
 *
 * ```ts
 * const upscale = defineSubgraph('Upscale', (image: Output<'IMAGE'>, scale: number) =>
 *   imageScaleBy({ image, upscale_method: 'lanczos', scale_by: scale }).IMAGE)
 * const big = upscale(decode.IMAGE, 2)
 * ```
 */
export function defineSubgraph<A extends unknown[], R extends Returned>(name: string, body: (...args: A) => R): (...args: A) => R {
  if (typeof name !== 'string' || name === '') throw new InvalidArgumentError(`defineSubgraph(): the name must be a non-empty string, received ${describeValue(name)}`)
  if (typeof body !== 'function') throw new InvalidArgumentError(`defineSubgraph("${name}"): the body must be a function, received ${describeValue(body)}`)
  let traced: { definition: SubgraphDefinition; keys: readonly string[] | undefined; single: boolean } | undefined
  return (...args: A): R => {
    // Parameters as declared (rest or default parameters: as many as the first call passes):
    traced ??= trace(name, body as unknown as (...args: unknown[]) => Returned, body.length > 0 ? body.length : args.length)
    const { definition, keys, single } = traced
    if (args.length !== definition.inputNames.length) {
      throw new InvalidArgumentError(`subgraph "${name}" takes ${definition.inputNames.length} argument(s), received ${args.length}`)
    }
    const inputs: Record<string, unknown> = {}
    args.forEach((arg, k) => {
      if (isNodeHandle(arg)) throw new InvalidArgumentError(`subgraph "${name}": argument ${k} is a node; pass one of its outputs (node.out(i))`)
      // (a parameter named after the inner input it feeds may be `__proto__`)
      setOwn(inputs, definition.inputNames[k] as string, arg)
    })
    const instance = createNode({ classType: definition.id, outputs: definition.outputs.map((o) => o.type) }, inputs)
    instances.set(instance, definition)
    instanceCount++
    const outs = definition.outputs.map((_, slot) => (instance as unknown as { out(i: number): Output }).out(slot))
    if (single) return outs[0] as R
    if (keys === undefined) return outs as unknown as R
    return Object.fromEntries(keys.map((key, i) => [key, outs[i]])) as unknown as R
  }
}

function trace(name: string, body: (...args: unknown[]) => Returned, arity: number): { definition: SubgraphDefinition; keys: readonly string[] | undefined; single: boolean } {
  const placeholder = createNode({ classType: SUBGRAPH_INPUT_CLASS, outputs: Array.from({ length: arity }, () => '*') }, {}, undefined, false) as unknown as NodeHandle & { out(i: number): Output }
  const returned = body(...Array.from({ length: arity }, (_, k) => placeholder.out(k)))
  const single = isOutput(returned)
  const keys = single || Array.isArray(returned) ? undefined : Object.keys(returned as object)
  const results: unknown[] = single ? [returned] : Array.isArray(returned) ? returned : Object.values(returned as object)
  results.forEach((r, i) => {
    if (!isOutput(r)) throw new InvalidArgumentError(`subgraph "${name}": the body must return outputs (an output, a list or a record of them); item ${keys?.[i] ?? i} is ${describeValue(r)}`)
  })
  const outputs = results as Output[]
  const { prompt, ids } = buildUnexpandedPrompt(outputs)
  const handles = new Map<string, NodeHandle>()
  for (const [handle, id] of ids) {
    if (handle !== placeholder && handle.id !== undefined) throw new SerializationError(id, undefined, `subgraph "${name}": nodes inside a subgraph cannot pin their id`)
    handles.set(id, handle)
  }
  const placeholderId = ids.get(placeholder)
  if (placeholderId !== undefined) delete prompt[placeholderId]
  const fed = new Map<number, string[]>()
  const types = new Map<number, string>()
  for (const [id, node] of Object.entries(prompt)) {
    for (const [input, value] of Object.entries(node.inputs)) {
      if (!Array.isArray(value) || value[0] !== placeholderId) continue
      const k = value[1] as number
      if (!fed.has(k)) fed.set(k, [])
      fed.get(k)?.push(input)
      if (!types.has(k)) types.set(k, `${id}\u0000${input}`)
    }
  }
  const taken = new Set<string>()
  const inputNames = Array.from({ length: arity }, (_, k) => unique(fed.get(k)?.[0] ?? `input${k}`, taken))
  const outputsTaken = new Set<string>()
  const definition: SubgraphDefinition = {
    name,
    id: uuidFrom(name),
    inner: prompt,
    handles,
    placeholderId,
    inputNames,
    outputs: outputs.map((o, i) => {
      const source: [string, number] = o.node === placeholder ? [placeholderId as string, o.slot] : [ids.get(o.node) as string, o.slot]
      const label = keys?.[i] ?? (o.type === '*' ? `output${i}` : o.type)
      return { name: unique(label, outputsTaken), type: o.type, source }
    }),
  }
  return { definition, keys, single }
}

// The editor names a new subgraph slot after the inner slot, adding `_1`, `_2`... when the name is taken:
function unique(name: string, taken: Set<string>): string {
  let candidate = name
  for (let n = 1; taken.has(candidate); n++) candidate = `${name}_${n}`
  taken.add(candidate)
  return candidate
}

/** A UUID-shaped id derived from a text (FNV-1a, four salts): same text, same id. */
export function uuidFrom(text: string): string {
  const hex = [1, 2, 3, 4].map((salt) => fnv(text, salt).toString(16).padStart(8, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

function fnv(text: string, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

/** Inner node ids per definition: numbered after the graph's largest numeric id, definitions in first-use order. */
export type SubgraphIds = Map<SubgraphDefinition, Map<string, string>>

/**
 * Numbers the inner nodes of every definition the graph's instances use (nested ones included): `ids` in the
 * prompt's key order, `handles` the node of each.
 */
export function numberSubgraphs(ids: readonly string[], handles: readonly (NodeHandle | undefined)[]): SubgraphIds {
  let counter = 0
  for (const id of ids) {
    const number = Number(id)
    if (Number.isSafeInteger(number) && number > counter) counter = number
  }
  const numbered: SubgraphIds = new Map()
  const visit = (definition: SubgraphDefinition): void => {
    if (numbered.has(definition)) return
    const local = new Map<string, string>()
    numbered.set(definition, local)
    for (const id of Object.keys(definition.inner)) local.set(id, String(++counter))
    for (const id of Object.keys(definition.inner)) {
      const nested = subgraphOf(definition.handles.get(id) as NodeHandle)
      if (nested !== undefined) visit(nested)
    }
  }
  for (const handle of handles) {
    const definition = subgraphOf(handle as NodeHandle)
    if (definition !== undefined) visit(definition)
  }
  const names = new Map<string, SubgraphDefinition>()
  for (const definition of numbered.keys()) {
    const other = names.get(definition.id)
    if (other !== undefined && other !== definition) throw new SerializationError(undefined, undefined, `two different subgraphs are named "${definition.name}"`)
    names.set(definition.id, definition)
  }
  return numbered
}

/**
 * Expands the subgraph instances of a built prompt as the editor does when queueing: inner nodes as
 * `<instance>:<inner>`, parameters replaced by what each call passed, links to an instance's outputs followed to
 * the inner node that produces them.
 */
export function expandSubgraphs(prompt: ApiPrompt, handles: ReadonlyMap<string, NodeHandle>): ApiPrompt {
  const keys = Object.keys(prompt)
  const numbered = numberSubgraphs(keys, keys.map((id) => handles.get(id)))
  if (numbered.size === 0) return prompt
  const flat: ApiPrompt = {}
  const hosts = new Map<string, { definition: SubgraphDefinition; inputs: Record<string, ApiValue> }>()
  const emit = (level: ApiPrompt, levelHandles: ReadonlyMap<string, NodeHandle>, idOf: (local: string) => string, param: ((k: number) => ApiValue | undefined) | undefined, placeholderId: string | undefined): void => {
    for (const [local, node] of Object.entries(level)) {
      const full = idOf(local)
      const inputs: Record<string, ApiValue> = {}
      for (const [name, value] of Object.entries(node.inputs)) {
        // (setOwn: an input may be named `__proto__`)
        if (isApiLink(value) && value[0] === placeholderId && param !== undefined) {
          const given = param(value[1])
          if (given !== undefined) setOwn(inputs, name, given)
        } else if (isApiLink(value)) setOwn(inputs, name, [idOf(value[0]), value[1]])
        else setOwn(inputs, name, value)
      }
      const definition = subgraphOf(levelHandles.get(local) as NodeHandle)
      if (definition === undefined) {
        flat[full] = node._meta === undefined ? { class_type: node.class_type, inputs } : { class_type: node.class_type, inputs, _meta: node._meta }
        continue
      }
      hosts.set(full, { definition, inputs })
      const inner = numbered.get(definition) as Map<string, string>
      emit(definition.inner, definition.handles, (id) => `${full}:${inner.get(id)}`, (k) => argument(inputs, definition.inputNames[k] as string), definition.placeholderId)
    }
  }
  emit(prompt, handles, (id) => id, undefined, undefined)
  for (const node of Object.values(flat)) {
    for (const [name, value] of Object.entries(node.inputs)) {
      let current: ApiValue | undefined = value
      while (isApiLink(current) && hosts.has(current[0])) {
        const { definition, inputs } = hosts.get(current[0]) as { definition: SubgraphDefinition; inputs: Record<string, ApiValue> }
        const source = definition.outputs[current[1]]?.source as readonly [string, number]
        if (source[0] === definition.placeholderId) current = argument(inputs, definition.inputNames[source[1]] as string)
        else current = [`${current[0]}:${(numbered.get(definition) as Map<string, string>).get(source[0])}`, source[1]]
      }
      if (current === undefined) delete node.inputs[name]
      else setOwn(node.inputs, name, current)
    }
  }
  return flat
}

// What a call passed for a parameter (own keys only: a parameter may be named `__proto__`):
function argument(inputs: Record<string, ApiValue>, name: string): ApiValue | undefined {
  return Object.hasOwn(inputs, name) ? inputs[name] : undefined
}

function isApiLink(value: unknown): value is [string, number] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'number'
}
