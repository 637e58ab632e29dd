/**
 * What `submit` accepts as a graph (DSL output nodes, a built prompt, or API JSON) turned into API JSON plus the
 * node handle behind each id, so server errors can name the DSL node that produced them.
 * @module
 */
import type { NodeHandle } from '../dsl/output.js'
import { isNodeHandle, isOutput } from '../dsl/output.js'
import { buildPrompt, type ApiNode, type ApiPrompt, type PromptRoot, type ToPromptResult } from '../dsl/prompt.js'
import { describeValue, InvalidArgumentError } from '../errors.js'

/** Output nodes (or outputs) of a DSL graph, the result of `buildPrompt`, or an API-format prompt. */
export type GraphInput = PromptRoot | readonly PromptRoot[] | ToPromptResult | ApiPrompt | RenderedGraph

/** A rendered template (`img2imgDefault.render(...)`): its image parameters name the nodes they fill. */
export interface RenderedGraph {
  readonly name: string
  readonly prompt: ApiPrompt
  readonly bindings: readonly { readonly param: string; readonly node: string; readonly input: string }[]
}

export interface PreparedPrompt {
  readonly prompt: ApiPrompt
  /** The DSL node behind each id (empty for API JSON). */
  readonly nodes: ReadonlyMap<string, NodeHandle>
  /** A rendered template's parameters that fill an `image` input, with the node ids they fill. */
  readonly imageParams?: ReadonlyMap<string, readonly string[]>
}

export function preparePrompt(graph: GraphInput): PreparedPrompt {
  if (isNodeHandle(graph) || isOutput(graph)) return fromBuilt(buildPrompt([graph]))
  if (Array.isArray(graph)) return fromBuilt(buildPrompt(graph as readonly PromptRoot[]))
  if (typeof graph !== 'object' || graph === null) {
    throw new InvalidArgumentError(`a graph must be output nodes or an API prompt, received ${describeValue(graph)}`)
  }
  if (isRenderedGraph(graph)) return fromTemplate(graph)
  const built = graph as Partial<ToPromptResult>
  if (built.ids instanceof Map && typeof built.prompt === 'object' && built.prompt !== null) return fromBuilt(built as ToPromptResult)
  for (const [id, node] of Object.entries(graph)) {
    if (typeof node !== 'object' || node === null || typeof (node as { class_type?: unknown }).class_type !== 'string') {
      throw new InvalidArgumentError(`API prompt node "${id}" must be an object with a string class_type, received ${describeValue(node)}`, {
        path: [id],
      })
    }
  }
  return { prompt: graph as ApiPrompt, nodes: new Map() }
}

function isRenderedGraph(graph: object): graph is RenderedGraph {
  const t = graph as Partial<RenderedGraph>
  return typeof t.name === 'string' && Array.isArray(t.bindings) && typeof t.prompt === 'object' && t.prompt !== null
}

function fromTemplate(rendered: RenderedGraph): PreparedPrompt {
  const imageParams = new Map<string, string[]>()
  for (const { param, node, input } of rendered.bindings) {
    if (input === 'image') imageParams.set(param, [...(imageParams.get(param) ?? []), node])
  }
  return { prompt: rendered.prompt, nodes: new Map(), imageParams }
}

function fromBuilt(built: ToPromptResult): PreparedPrompt {
  const nodes = new Map<string, NodeHandle>()
  for (const [handle, id] of built.ids) nodes.set(id, handle)
  return { prompt: built.prompt, nodes }
}

/** Where an uploaded image goes: a DSL node, or a node id or `_meta.title` of the prompt. */
export type ImageInputKey = NodeHandle | string

/**
 * Returns a copy of `prompt` whose image-loading nodes take the given uploaded names (`image` input, as
 * `LoadImage` and `LoadImageMask` have). Unknown keys throw, naming the ids and titles that exist.
 */
export function withImageInputs(prepared: PreparedPrompt, names: ReadonlyMap<ImageInputKey, string>): ApiPrompt {
  if (names.size === 0) return prepared.prompt
  const prompt: ApiPrompt = { ...prepared.prompt }
  const idOfHandle = new Map<NodeHandle, string>()
  for (const [id, handle] of prepared.nodes) idOfHandle.set(handle, id)
  const entries: [ImageInputKey, string][] = []
  // A template parameter (`{ image: './in.png' }`) stands for every node it fills:
  for (const [key, name] of names) {
    const ids = typeof key === 'string' ? prepared.imageParams?.get(key) : undefined
    if (ids === undefined) entries.push([key, name])
    else for (const id of ids) entries.push([id, name])
  }
  for (const [key, name] of entries) {
    const id = typeof key === 'string' ? findNode(prompt, key) : idOfHandle.get(key)
    if (id === undefined) {
      const label = typeof key === 'string' ? `"${key}"` : `${key.classType} node`
      throw new InvalidArgumentError(`image input ${label} matches no node of the prompt (${describeNodes(prompt)})`)
    }
    const node = prompt[id] as ApiNode
    if (!('image' in node.inputs)) {
      throw new InvalidArgumentError(`node ${id} (${node.class_type}) has no "image" input to take an uploaded image`, {
        path: [id, 'inputs'],
      })
    }
    prompt[id] = { ...node, inputs: { ...node.inputs, image: name } }
  }
  return prompt
}

function findNode(prompt: ApiPrompt, key: string): string | undefined {
  if (key in prompt) return key
  const byTitle = Object.entries(prompt).filter(([, node]) => node._meta?.title === key)
  if (byTitle.length > 1) {
    throw new InvalidArgumentError(`image input "${key}" matches ${byTitle.length} nodes by title; use a node id`)
  }
  return byTitle[0]?.[0]
}

function describeNodes(prompt: ApiPrompt): string {
  const loaders = Object.entries(prompt).filter(([, node]) => 'image' in node.inputs)
  if (loaders.length === 0) return 'it has no node with an "image" input'
  return `nodes with an "image" input: ${loaders.map(([id, n]) => (n._meta?.title ? `${id} "${n._meta.title}"` : id)).join(', ')}`
}
