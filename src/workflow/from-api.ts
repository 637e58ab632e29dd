/**
 * API prompt → UI workflow: every node planned as the editor saves it (see nodes.ts), laid out left to right
 * (layout.ts), with links, optional groups, and the ids of the prompt kept, so the editor queues the same prompt.
 * @module
 */
import type { DefSet } from '../defs/model.js'
import type { ApiPrompt } from '../dsl/prompt.js'
import { describeValue, InvalidArgumentError, WorkflowFormatError } from '../errors.js'
import { stringifyJson } from '../json/lossless.js'
import { layeredLayout, type LayoutEdge } from './layout.js'
import { isLink, planNode, type PlannedNode, type PlanOptions } from './nodes.js'
import { nodeSize, shownWidgets, TITLE_HEIGHT } from './sizes.js'
import type { SubgraphDefinition as SubgraphDefinitionJson, Workflow, WorkflowGroup, WorkflowNode, WorkflowWarning } from './types.js'

/** Nodes (by API id) to frame as one editor group. */
export interface GroupSpec {
  readonly title: string
  readonly nodes: readonly string[]
  /** Group colour (default the editor's `#3f789e`). */
  readonly color?: string
}

export interface ApiToWorkflowOptions {
  readonly groups?: readonly GroupSpec[]
  /** Value of every `control_after_generate` widget (default `fixed`: the file queues the seed it holds). */
  readonly controlAfterGenerate?: 'fixed' | 'increment' | 'decrement' | 'randomize'
  /** Called for what the UI workflow cannot carry (a value without a widget, an unknown class). */
  readonly warn?: (warning: WorkflowWarning) => void
}

const GROUP_PADDING = 10
const GROUP_TITLE = 34

/** Builds the UI workflow of an API prompt. Node ids, titles and values are kept; positions are laid out. */
export function apiToWorkflow(prompt: ApiPrompt, defs: DefSet, options: ApiToWorkflowOptions = {}): Workflow {
  return levelsToWorkflow(prompt, defs, options, undefined)
}

/** Plans the nodes a level holds that are not plain classes (subgraph instances), and the definitions to write. */
export interface LevelHooks {
  plan(id: string): PlannedNode | undefined
  definitions(): SubgraphDefinitionJson[]
}

/** @internal {@link apiToWorkflow} with subgraph instances planned by `hooks`. */
export function levelsToWorkflow(prompt: ApiPrompt, defs: DefSet, options: ApiToWorkflowOptions, hooks: LevelHooks | undefined): Workflow {
  if (typeof prompt !== 'object' || prompt === null || Array.isArray(prompt)) {
    throw new InvalidArgumentError(`apiToWorkflow: expected an API prompt (node id to node), received ${describeValue(prompt)}`)
  }
  const level = layOutLevel(prompt, defs, options, hooks, options.groups ?? [], undefined)
  const { nodes, links } = writeNodes(level.planned, level.positions, level.sizes, undefined)
  const definitions = hooks?.definitions() ?? []
  const workflow: Workflow = {
    id: contentId(prompt, options.groups),
    revision: 0,
    last_node_id: Math.max(0, ...level.order.map(Number).filter(Number.isInteger), ...definitions.flatMap((d) => d.nodes.map((n) => Number(n.id)))),
    last_link_id: links.length,
    nodes,
    links: links.map((l) => [l.id, l.origin, l.originSlot, l.target, l.targetSlot, l.type]),
    groups: (options.groups ?? []).map((g, i) => groupBox(g, i + 1, nodes, level.index)),
    ...(definitions.length === 0 ? {} : { definitions: { subgraphs: definitions } }),
    config: {},
    extra: { ds: { scale: 1, offset: [0, 0] } },
    version: 0.4,
  }
  return workflow
}

/** One graph level planned and laid out. `placeholder`: the id standing for a subgraph's inputs (not a node). */
export function layOutLevel(
  prompt: ApiPrompt,
  defs: DefSet,
  options: ApiToWorkflowOptions & Pick<PlanOptions, 'controlAfterGenerate'> & { readonly linkedValues?: ReadonlyMap<string, Readonly<Record<string, unknown>>> },
  hooks: Pick<LevelHooks, 'plan'> | undefined,
  groups: readonly GroupSpec[],
  placeholder: string | undefined,
): { order: string[]; index: Map<string, number>; planned: PlannedNode[]; positions: [number, number][]; sizes: [number, number][] } {
  const warn = options.warn ?? (() => {})
  const order = dependencyOrder(prompt, placeholder)
  const usedSlots = new Map<string, number>()
  for (const id of order) {
    for (const value of Object.values(prompt[id]?.inputs ?? {})) {
      if (isLink(value)) usedSlots.set(String(value[0]), Math.max(usedSlots.get(String(value[0])) ?? 0, value[1] + 1))
    }
  }
  const planned = order.map((id) => {
    const node = prompt[id] as ApiPrompt[string]
    return hooks?.plan(id) ?? planNode(id, node, defs.classes.get(node.class_type), { ...options, usedSlots: usedSlots.get(id) ?? 0, linkedValues: options.linkedValues?.get(id) ?? {} }, warn)
  })
  const index = new Map(order.map((id, i) => [id, i]))
  const band = bands(order, groups)
  const sizes = planned.map((p) => nodeSize({ title: p.title ?? p.type, inputs: p.inputs.filter((i) => i.widget === undefined).map((i) => i.name), outputs: p.outputs.map((o) => o.name), widgets: shownWidgets(p.widgets) }))
  const edges: LayoutEdge[] = []
  planned.forEach((p, to) => {
    p.inputs.forEach((input, toSlot) => {
      if (input.link === undefined) return
      const from = index.get(input.link[0])
      if (from !== undefined) edges.push({ from, fromSlot: input.link[1], to, toSlot })
    })
  })
  const { positions } = layeredLayout(
    sizes.map(([width, height], i) => ({ width, height, band: band[i] as number })),
    edges,
  )
  return { order, index, planned, positions, sizes }
}

/** A link before it is written as an array (root) or an object (inside a subgraph). */
export interface LinkRecord {
  id: number
  origin: number | string
  originSlot: number
  target: number | string
  targetSlot: number
  type: string
}

/** Where links from the subgraph-input placeholder go: the boundary node -10, slot = parameter index. */
export interface Boundary {
  readonly placeholder: string
  readonly onInputLink: (slot: number, link: LinkRecord) => void
}

export function writeNodes(
  planned: readonly PlannedNode[],
  positions: readonly [number, number][],
  sizes: readonly [number, number][],
  boundary: Boundary | undefined,
): { nodes: WorkflowNode[]; links: LinkRecord[] } {
  const byId = new Map<string, WorkflowNode>()
  const links: LinkRecord[] = []
  const nodes = planned.map((p, i) => {
    const node: WorkflowNode = {
      id: nodeId(p.id),
      type: p.type,
      pos: positions[i] as [number, number],
      size: sizes[i] as [number, number],
      flags: {},
      order: i,
      mode: 0,
      inputs: [],
      outputs: p.outputs.map((o) => ({ name: o.name, type: o.type, links: null })),
      ...(p.title === undefined ? {} : { title: p.title }),
      properties: p.properties ?? { 'Node name for S&R': p.type },
      widgets_values: p.widgetsValues,
    }
    byId.set(p.id, node)
    return node
  })
  planned.forEach((p, i) => {
    const node = nodes[i] as WorkflowNode
    p.inputs.forEach((input, slot) => {
      let link: number | null = null
      const origin = input.link === undefined ? undefined : byId.get(input.link[0])
      if (input.link !== undefined && boundary !== undefined && input.link[0] === boundary.placeholder) {
        link = links.length + 1
        const record = { id: link, origin: -10, originSlot: input.link[1], target: node.id, targetSlot: slot, type: input.type }
        links.push(record)
        boundary.onInputLink(input.link[1], record)
      } else if (input.link !== undefined && origin !== undefined) {
        link = links.length + 1
        const output = origin.outputs[input.link[1]]
        if (output === undefined) {
          throw new WorkflowFormatError(`links to output ${input.link[1]} of node ${input.link[0]} (${origin.type}), which has ${origin.outputs.length} output(s)`, { path: [p.id, 'inputs', input.name] })
        }
        ;(output.links ??= []).push(link)
        links.push({ id: link, origin: origin.id, originSlot: input.link[1], target: node.id, targetSlot: slot, type: output.type })
      }
      node.inputs.push({ name: input.name, type: input.type, ...(input.widget === undefined ? {} : { widget: { name: input.widget } }), link })
    })
  })
  return { nodes, links }
}

// Numeric ids are written as numbers, as the editor writes them; others (`"5:3"`) as they are.
export function nodeId(id: string): number | string {
  const n = Number(id)
  return Number.isSafeInteger(n) && String(n) === id ? n : id
}

/** Ids in an order where every node comes after the nodes it links to (ties in prompt order). */
function dependencyOrder(prompt: ApiPrompt, placeholder: string | undefined): string[] {
  const ids = Object.keys(prompt)
  const state = new Map<string, 'visiting' | 'done'>()
  const order: string[] = []
  const visit = (id: string, path: string[]): void => {
    const seen = state.get(id)
    if (seen === 'done') return
    if (seen === 'visiting') throw new WorkflowFormatError(`the links loop back to node ${id}`, { path: [id] })
    const node = prompt[id]
    if (typeof node !== 'object' || node === null || typeof node.class_type !== 'string') {
      throw new WorkflowFormatError(`expected a node { class_type, inputs }, found ${describeValue(node)}`, { path: [id] })
    }
    state.set(id, 'visiting')
    for (const [name, value] of Object.entries(node.inputs ?? {})) {
      if (!isLink(value)) continue
      const from = String(value[0])
      if (from === placeholder) continue
      if (prompt[from] === undefined) throw new WorkflowFormatError(`links to node ${from}, which is not in the prompt`, { path: [id, 'inputs', name] })
      visit(from, [...path, id])
    }
    state.set(id, 'done')
    order.push(id)
  }
  for (const id of ids) visit(id, [])
  return order
}

// Band per node (in `order`): groups in their order, ungrouped nodes in a band of their own, bands stacked by where
// their first node comes in the dependency order.
function bands(order: readonly string[], groups: readonly GroupSpec[]): number[] {
  const groupOf = new Map<string, number>()
  groups.forEach((g, k) => {
    for (const id of g.nodes) {
      if (!order.includes(id)) throw new InvalidArgumentError(`group "${g.title}": node ${id} is not in the graph`)
      if (groupOf.has(id)) throw new InvalidArgumentError(`group "${g.title}": node ${id} is already in group "${groups[groupOf.get(id) as number]?.title}"`)
      groupOf.set(id, k)
    }
  })
  const raw = order.map((id) => groupOf.get(id) ?? -1)
  const first = [...new Set(raw)]
  return raw.map((b) => first.indexOf(b))
}

export function groupBox(group: GroupSpec, id: number, nodes: readonly WorkflowNode[], index: ReadonlyMap<string, number>): WorkflowGroup {
  const members = group.nodes.map((n) => nodes[index.get(n) as number] as WorkflowNode)
  const left = Math.min(...members.map((n) => n.pos[0])) - GROUP_PADDING
  const top = Math.min(...members.map((n) => n.pos[1] - TITLE_HEIGHT)) - GROUP_PADDING - GROUP_TITLE
  const right = Math.max(...members.map((n) => n.pos[0] + n.size[0])) + GROUP_PADDING
  const bottom = Math.max(...members.map((n) => n.pos[1] + n.size[1])) + GROUP_PADDING
  return { id, title: group.title, bounding: [left, top, right - left, bottom - top], color: group.color ?? '#3f789e', font_size: 24, flags: {} }
}

// A stable id from the content (same graph, same file), shaped as the UUID the editor writes:
function contentId(prompt: ApiPrompt, groups: unknown): string {
  const text = stringifyJson([prompt, groups ?? []])
  const hex = [hash(text, 1), hash(text, 2), hash(text, 3), hash(text, 4)].map((h) => h.toString(16).padStart(8, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

// FNV-1a, 32 bits, salted:
function hash(text: string, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}
