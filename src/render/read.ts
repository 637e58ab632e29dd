/**
 * Reads what a picture of a UI (litegraph) workflow needs: node positions, sizes, titles, sockets and widget values,
 * links (schema 0.4 arrays or schema 1 objects) and groups. Strict where the picture cannot be drawn (no node list, a
 * node without a position) with {@link WorkflowFormatError} naming the JSON path; lenient elsewhere (a missing size is
 * estimated, a missing title falls back to the type, a link to a missing node is left out with a warning).
 * @module
 */
import { describeValue, WorkflowFormatError, type IssuePath } from '../errors.js'

export interface RenderInput {
  readonly name: string
  readonly type: string
  /** Link id, when connected. */
  readonly link: string | undefined
  /** The widget this socket belongs to (widget inputs). */
  readonly widget: string | undefined
}

export interface RenderOutput {
  readonly name: string
  readonly type: string
}

export interface RenderNode {
  readonly id: string
  readonly type: string
  /** The title written in the file (the editor writes one only when it differs from the class's display name). */
  readonly title: string | undefined
  /** Top-left corner of the body (the title bar is drawn above it, as in the editor). */
  readonly x: number
  readonly y: number
  /** Body size from the file, when it has a usable one. */
  readonly size: readonly [number, number] | undefined
  readonly collapsed: boolean
  /** Litegraph mode: 0 always, 2 never (muted), 4 bypass. */
  readonly mode: number
  readonly color: string | undefined
  readonly bgcolor: string | undefined
  readonly inputs: readonly RenderInput[]
  readonly outputs: readonly RenderOutput[]
  readonly widgetsValues: readonly unknown[] | Readonly<Record<string, unknown>> | undefined
  /** Name of the subgraph definition this node is an instance of. */
  readonly subgraph: string | undefined
  readonly path: IssuePath
}

export interface RenderLink {
  readonly id: string
  readonly originId: string
  readonly originSlot: number
  readonly targetId: string
  readonly targetSlot: number
  readonly type: string
  /** Native reroutes the link passes through, from the origin side to the target side. */
  readonly via: readonly { readonly x: number; readonly y: number }[]
}

export interface RenderGroup {
  readonly title: string
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
  readonly color: string | undefined
  readonly fontSize: number
}

export interface RenderGraph {
  readonly nodes: readonly RenderNode[]
  readonly links: readonly RenderLink[]
  readonly groups: readonly RenderGroup[]
}

type Json = Record<string, unknown>

/** Reads a parsed UI workflow for drawing; `file` names the document in errors. */
export function readRenderGraph(raw: unknown, file?: string): RenderGraph {
  const fail = (path: IssuePath, reason: string): never => {
    throw new WorkflowFormatError(reason, file === undefined ? { path } : { path, file })
  }
  if (!isObject(raw)) return fail([], `expected a UI workflow object ("nodes", "links"), found ${describeValue(raw)}`)
  if (!('nodes' in raw) && Object.values(raw).some((v) => isObject(v) && typeof v['class_type'] === 'string')) {
    return fail([], 'this is an API prompt ({"id": {"class_type", "inputs"}}), which has no positions to draw; render needs a UI workflow (the editor\'s format, with "nodes" and "links")')
  }
  const nodesRaw = raw['nodes'] ?? []
  if (!Array.isArray(nodesRaw)) return fail(['nodes'], `expected the list of nodes, found ${describeValue(nodesRaw)}`)
  const subgraphs = subgraphNames(raw)
  const nodes = nodesRaw.map((n, i) => readNode(n, ['nodes', i], subgraphs, fail))
  const linksRaw = raw['links'] ?? []
  if (!Array.isArray(linksRaw)) return fail(['links'], `expected the list of links, found ${describeValue(linksRaw)}`)
  const reroutes = readReroutes(raw)
  const links = linksRaw.flatMap((l, i) => (l === null ? [] : [withReroutes(readLink(l, ['links', i], fail), reroutes)]))
  const groupsRaw = raw['groups'] ?? []
  if (!Array.isArray(groupsRaw)) return fail(['groups'], `expected the list of groups, found ${describeValue(groupsRaw)}`)
  const groups = groupsRaw.flatMap((g, i) => readGroup(g, ['groups', i], fail))
  return { nodes, links, groups }
}

type Fail = (path: IssuePath, reason: string) => never

function readNode(value: unknown, path: IssuePath, subgraphs: ReadonlyMap<string, string>, fail: Fail): RenderNode {
  if (!isObject(value)) return fail(path, `expected a node object, found ${describeValue(value)}`)
  const id = value['id']
  if (!(typeof id === 'number' && Number.isFinite(id)) && !(typeof id === 'string' && id !== '')) {
    return fail([...path, 'id'], `expected a node id (number or string), found ${describeValue(id)}`)
  }
  const type = typeof value['type'] === 'string' ? value['type'] : ''
  const pos = pair(value['pos'])
  if (pos === undefined) return fail([...path, 'pos'], `node ${id}: expected its position [x, y], found ${describeValue(value['pos'])}`)
  const size = pair(value['size'])
  const subgraph = subgraphs.get(type)
  const title = typeof value['title'] === 'string' ? value['title'] : undefined
  const flags = value['flags']
  const widgets = value['widgets_values']
  return {
    id: String(id),
    type,
    title,
    x: pos[0],
    y: pos[1],
    size: size !== undefined && size[0] > 0 && size[1] >= 0 ? size : undefined,
    collapsed: isObject(flags) && flags['collapsed'] === true,
    mode: typeof value['mode'] === 'number' ? value['mode'] : 0,
    color: typeof value['color'] === 'string' ? value['color'] : undefined,
    bgcolor: typeof value['bgcolor'] === 'string' ? value['bgcolor'] : undefined,
    inputs: list(value['inputs']).map(readInput),
    outputs: list(value['outputs']).map((o) => ({ name: slotName(o), type: slotType(o) })),
    widgetsValues: Array.isArray(widgets) || isObject(widgets) ? widgets : undefined,
    subgraph,
    path,
  }
}

function readInput(value: unknown): RenderInput {
  const link = isObject(value) ? value['link'] : undefined
  const widget = isObject(value) && isObject(value['widget']) ? value['widget']['name'] : undefined
  return {
    name: slotName(value),
    type: slotType(value),
    link: typeof link === 'number' || (typeof link === 'string' && link !== '') ? String(link) : undefined,
    widget: typeof widget === 'string' ? widget : undefined,
  }
}

type ReadLink = Omit<RenderLink, 'via'> & { readonly parentId: string | undefined }

function readLink(value: unknown, path: IssuePath, fail: Fail): ReadLink {
  if (Array.isArray(value)) {
    if (value.length < 5) return fail(path, `expected a link [id, origin, origin slot, target, target slot, type], found ${describeValue(value)}`)
    return { id: String(value[0]), originId: String(value[1]), originSlot: Number(value[2]), targetId: String(value[3]), targetSlot: Number(value[4]), type: typeName(value[5]), parentId: undefined }
  }
  if (!isObject(value)) return fail(path, `expected a link (a list or an object), found ${describeValue(value)}`)
  return {
    id: String(value['id']),
    originId: String(value['origin_id']),
    originSlot: Number(value['origin_slot']),
    targetId: String(value['target_id']),
    targetSlot: Number(value['target_slot']),
    type: typeName(value['type']),
    parentId: value['parentId'] === undefined || value['parentId'] === null ? undefined : String(value['parentId']),
  }
}

interface Reroutes {
  readonly byId: ReadonlyMap<string, { readonly x: number; readonly y: number; readonly parentId: string | undefined }>
  /** A link's last reroute (schema 0.4 keeps it in `extra.linkExtensions`). */
  readonly linkParents: ReadonlyMap<string, string>
}

// Native reroutes: `reroutes` (schema 1) or `extra.reroutes` (0.4), each with a position and the reroute before it:
function readReroutes(raw: Json): Reroutes {
  const extra = isObject(raw['extra']) ? raw['extra'] : {}
  const byId = new Map<string, { x: number; y: number; parentId: string | undefined }>()
  for (const r of [...list(raw['reroutes']), ...list(extra['reroutes'])]) {
    const pos = isObject(r) ? pair(r['pos']) : undefined
    if (!isObject(r) || pos === undefined || r['id'] === undefined) continue
    byId.set(String(r['id']), { x: pos[0], y: pos[1], parentId: r['parentId'] === undefined || r['parentId'] === null ? undefined : String(r['parentId']) })
  }
  const linkParents = new Map<string, string>()
  for (const e of list(extra['linkExtensions'])) {
    if (isObject(e) && e['id'] !== undefined && e['parentId'] !== undefined && e['parentId'] !== null) linkParents.set(String(e['id']), String(e['parentId']))
  }
  return { byId, linkParents }
}

// The chain of reroutes from the link's last one back to the origin, reversed (a loop in the file ends the chain):
function withReroutes(link: ReadLink, reroutes: Reroutes): RenderLink {
  const { parentId, ...rest } = link
  const via: { x: number; y: number }[] = []
  const seen = new Set<string>()
  for (let id = parentId ?? reroutes.linkParents.get(link.id); id !== undefined && !seen.has(id); ) {
    seen.add(id)
    const reroute = reroutes.byId.get(id)
    if (reroute === undefined) break
    via.unshift({ x: reroute.x, y: reroute.y })
    id = reroute.parentId
  }
  return { ...rest, via }
}

function readGroup(value: unknown, path: IssuePath, fail: Fail): RenderGroup[] {
  if (!isObject(value)) return fail(path, `expected a group object, found ${describeValue(value)}`)
  const box = value['bounding']
  if (!Array.isArray(box) || box.length < 4 || !box.slice(0, 4).every((v) => typeof v === 'number' && Number.isFinite(v))) {
    return fail([...path, 'bounding'], `expected the group's box [x, y, width, height], found ${describeValue(box)}`)
  }
  const [x, y, width, height] = box as number[]
  const fontSize = value['font_size']
  return [
    {
      title: typeof value['title'] === 'string' ? value['title'] : '',
      x: x as number,
      y: y as number,
      width: Math.max(0, width as number),
      height: Math.max(0, height as number),
      color: typeof value['color'] === 'string' ? value['color'] : undefined,
      fontSize: typeof fontSize === 'number' && fontSize > 0 && fontSize < 200 ? fontSize : 24,
    },
  ]
}

// Subgraph instances have the definition's id as their type:
function subgraphNames(raw: Json): Map<string, string> {
  const names = new Map<string, string>()
  const definitions = raw['definitions']
  const subgraphs = isObject(definitions) ? definitions['subgraphs'] : undefined
  for (const sg of list(subgraphs)) {
    if (isObject(sg) && typeof sg['id'] === 'string') names.set(sg['id'], typeof sg['name'] === 'string' ? sg['name'] : sg['id'])
  }
  return names
}

// Positions and sizes are [x, y], or {"0": x, "1": y} in files saved from a Float32Array by older editors:
function pair(value: unknown): [number, number] | undefined {
  const a = Array.isArray(value) ? value[0] : isObject(value) ? value['0'] : undefined
  const b = Array.isArray(value) ? value[1] : isObject(value) ? value['1'] : undefined
  return typeof a === 'number' && typeof b === 'number' && Number.isFinite(a) && Number.isFinite(b) ? [a, b] : undefined
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

function slotName(value: unknown): string {
  if (!isObject(value)) return ''
  const label = value['label']
  if (typeof label === 'string' && label !== '') return label
  return typeof value['name'] === 'string' ? value['name'] : ''
}

function slotType(value: unknown): string {
  return isObject(value) ? typeName(value['type']) : '*'
}

function typeName(value: unknown): string {
  // The editor writes -1 for event slots and 0 for "any" in some versions:
  return typeof value === 'string' && value !== '' ? value : '*'
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
