/**
 * API prompt to DSL node handles: ids pinned, titles kept, links turned into outputs, `{"__value__": [...]}` back
 * into the literal list that `toPrompt` wraps again. Import is structural only: unknown classes, values outside a
 * definition's limits and slots past a class's outputs are carried as they are, for the validator to judge.
 * @module
 */
import type { DefSet } from '../defs/model.js'
import { createNode, outputPropertyNames, type NodeSpec } from '../dsl/node.js'
import type { InputValue, UntypedNode } from '../dsl/output.js'
import { describeValue, WorkflowFormatError, type IssuePath } from '../errors.js'
import { postOrder } from '../graph/post-order.js'
import { readApiPrompt } from './format.js'
import type { ConversionWarning } from './warnings.js'

export interface ImportOptions {
  /** Definitions give known classes their output types and named outputs (`ckpt.MODEL`). */
  readonly defs?: DefSet
  /** Names the document in errors. */
  readonly file?: string
}

export interface ImportedGraph {
  /** Every node of the prompt by id, in prompt order. */
  readonly nodes: ReadonlyMap<string, UntypedNode>
  /**
   * The nodes no other node takes input from, in prompt order. A prompt may hold nodes that no output node
   * reaches; every node still reaches one of these, so `toPrompt(...roots)` gives back every node.
   */
  readonly roots: readonly UntypedNode[]
  /**
   * What a node handle cannot carry and was left out: `is_changed` (the server's cache key, which must not be sent
   * back: the server would trust it over the file it describes) and `_meta` entries other than a string `title`.
   */
  readonly warnings: readonly ConversionWarning[]
}

// Names that would set an object's prototype instead of a key:
const RESERVED_KEYS = new Set(['__proto__'])

/**
 * Imports an API prompt (or a `POST /prompt` body). Throws {@link WorkflowFormatError} with the JSON path for what
 * no graph of node handles can express: a link to a missing node or to a negative slot, a list that is not a
 * link, or links that form a cycle.
 */
export function importApiPrompt(prompt: unknown, options: ImportOptions = {}): ImportedGraph {
  const where = options.file === undefined ? {} : { file: options.file }
  const api = readApiPrompt(prompt, where)
  const base: IssuePath = api === prompt ? [] : ['prompt']
  const fail = (path: IssuePath, reason: string): never => {
    throw new WorkflowFormatError(reason, { ...where, path: [...base, ...path] })
  }
  const warnings: ConversionWarning[] = []
  const ids = Object.keys(api)
  for (const id of ids) if (RESERVED_KEYS.has(id)) fail([id], `"${id}" cannot be a node id`)

  const consumed = new Set<string>()
  const dependencies = new Map<string, Dependency[]>()
  const titles = new Map<string, string | undefined>()
  for (const id of ids) {
    titles.set(id, metaTitle(id, api[id] as unknown as Record<string, unknown>, base, warnings))
    const deps: Dependency[] = []
    for (const [name, value] of Object.entries(api[id]?.inputs ?? {})) {
      if (RESERVED_KEYS.has(name)) fail([id, 'inputs', name], `"${name}" cannot be an input name`)
      const link = asLink(value)
      if (link === undefined) continue
      if (!Object.hasOwn(api, link[0])) fail([id, 'inputs', name], `link to node "${link[0]}", which is not in the prompt`)
      if (link[1] < 0) fail([id, 'inputs', name, 1], `link to output ${link[1]} of node "${link[0]}"; output slots start at 0`)
      deps.push({ id: link[0], input: name })
      consumed.add(link[0])
    }
    dependencies.set(id, deps)
  }

  const handles = new Map<string, UntypedNode>()
  const build = (id: string): UntypedNode => {
    const node = api[id] as NonNullable<(typeof api)[string]>
    const inputs: Record<string, InputValue> = {}
    for (const [name, value] of Object.entries(node.inputs)) {
      const link = asLink(value)
      inputs[name] = link !== undefined ? (handles.get(link[0]) as UntypedNode).out(link[1]) : literal(value, [id, 'inputs', name], fail)
    }
    const title = titles.get(id)
    return createNode(specOf(node.class_type, options.defs), inputs, title === undefined ? { id } : { id, title }, false)
  }
  for (const id of inDependencyOrder(ids, dependencies, fail)) handles.set(id, build(id))

  const nodes = new Map(ids.map((id) => [id, handles.get(id) as UntypedNode]))
  const roots = ids.filter((id) => !consumed.has(id)).map((id) => nodes.get(id) as UntypedNode)
  return { nodes, roots, warnings }
}

/** `[node id, slot]`, the only list form that is a link (as the server executes it). */
function asLink(value: unknown): [string, number] | undefined {
  if (!Array.isArray(value) || value.length !== 2) return undefined
  const [id, slot] = value as unknown[]
  return typeof id === 'string' && typeof slot === 'number' && Number.isInteger(slot) ? [id, slot] : undefined
}

function literal(value: unknown, path: IssuePath, fail: (path: IssuePath, reason: string) => never): InputValue {
  if (Array.isArray(value)) {
    return fail(path, `a list that is not a link [node id, output slot]: ${describeValue(value)}; literal lists are written {"__value__": [...]}`)
  }
  if (typeof value === 'object' && value !== null) {
    const reserved = reservedKeyPath(value)
    if (reserved !== undefined) fail([...path, ...reserved], 'a "__proto__" key cannot be carried by a JavaScript object')
    const keys = Object.keys(value)
    const wrapped = (value as Record<string, unknown>)['__value__']
    // Exactly the wrapper: the list itself, which toPrompt wraps again. Anything else is an object literal.
    if (keys.length === 1 && Array.isArray(wrapped)) return structuredClone(wrapped) as InputValue
    return structuredClone(value) as InputValue
  }
  return value as InputValue
}

// Where a value holds an own "__proto__" key (JSON.parse makes one; assigning it anywhere else sets a prototype):
function reservedKeyPath(value: object, path: (string | number)[] = []): (string | number)[] | undefined {
  for (const [key, item] of Object.entries(value)) {
    if (RESERVED_KEYS.has(key)) return [...path, key]
    if (typeof item === 'object' && item !== null) {
      const found = reservedKeyPath(item, [...path, Array.isArray(value) ? Number(key) : key])
      if (found !== undefined) return found
    }
  }
  return undefined
}

function specOf(classType: string, defs: DefSet | undefined): NodeSpec {
  const def = defs?.classes.get(classType)
  if (def === undefined) return { classType, outputs: [] }
  // Outputs and names only: an import carries the inputs exactly as they are (no defaults, no regrouping).
  return { classType, outputs: def.outputs.map((o) => o.type), names: outputPropertyNames(def) }
}

function metaTitle(id: string, node: Record<string, unknown>, base: IssuePath, warnings: ConversionWarning[]): string | undefined {
  const drop = (path: IssuePath, what: string): void => {
    warnings.push({ code: 'import_dropped', message: `${what} is not carried by the imported node`, path: [...base, id, ...path], nodeId: id })
  }
  for (const key of Object.keys(node)) {
    if (key !== 'class_type' && key !== 'inputs' && key !== '_meta') drop([key], `"${key}"`)
  }
  const meta = node['_meta'] as Record<string, unknown> | undefined
  if (meta === undefined) return undefined
  const title = meta['title']
  for (const key of Object.keys(meta)) if (key !== 'title') drop(['_meta', key], `"_meta.${key}"`)
  if (title !== undefined && typeof title !== 'string') drop(['_meta', 'title'], `the non-text title ${describeValue(title)}`)
  if (title === undefined && Object.keys(meta).length === 0) drop(['_meta'], 'an empty "_meta"')
  return typeof title === 'string' ? title : undefined
}

// Iterative post-order DFS (prompts can be long chains); a cycle is reported with its path:
interface Dependency {
  readonly id: string
  readonly input: string
}

function inDependencyOrder(
  ids: readonly string[],
  dependencies: ReadonlyMap<string, readonly Dependency[]>,
  fail: (path: IssuePath, reason: string) => never,
): string[] {
  return postOrder(
    ids,
    (id) => dependencies.get(id) ?? [],
    (edge) => edge.id,
    (path, from, edge) => fail([from, 'inputs', edge.input], `the links form a cycle: ${[...path, edge.id].join(' -> ')}`),
  )
}
