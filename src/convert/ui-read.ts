/**
 * Reads a parsed UI workflow (schema 0.4 or 1) into {@link UiWorkflow}. Structural problems throw
 * {@link WorkflowFormatError} with the JSON path of the offending value; links that point nowhere are
 * left for the converter, which drops them with a warning as the editor does.
 * @module
 */
import { describeValue, WorkflowFormatError, type IssuePath } from '../errors.js'
import { uniqueSubgraphNodeIds } from './node-ids.js'
import type {
  LinkId,
  UiGraph,
  UiGroupNodeDef,
  UiInput,
  UiLink,
  UiNode,
  UiOutput,
  UiSubgraph,
  UiSubgraphSlot,
  UiWorkflow,
} from './ui-graph.js'

/** UI workflow schema versions this reader understands. */
export const UI_VERSIONS: readonly number[] = [0.4, 1]

export interface ReadOptions {
  readonly file?: string
}

type Json = Record<string, unknown>

/** Reads a UI workflow; `file` names the document in errors. */
export function readUiWorkflow(raw: unknown, options: ReadOptions = {}): UiWorkflow {
  const r = new Reader(options.file)
  const root = r.object(raw, [])
  const version = root['version']
  if (typeof version !== 'number' || !UI_VERSIONS.includes(version)) {
    const seen = version === undefined ? 'no "version"' : `version ${describeValue(version)}`
    return r.fail(['version'], `UI workflow with ${seen}; this version of comfy-dsl reads versions ${UI_VERSIONS.join(' and ')}`)
  }
  const subgraphs = new Map<string, UiSubgraph>()
  const graph = r.graph(root, [], version === 1 ? 'objects' : 'arrays')
  r.definitions(root, [], subgraphs)
  return { version, root: graph, subgraphs: uniqueSubgraphNodeIds(graph, subgraphs, lastNodeId(root)), groupNodes: r.groupNodes(root) }
}

class Reader {
  constructor(readonly file: string | undefined) {}

  fail(path: IssuePath, reason: string): never {
    throw new WorkflowFormatError(reason, this.file === undefined ? { path } : { path, file: this.file })
  }

  object(value: unknown, path: IssuePath): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.fail(path, `expected an object, found ${describeValue(value)}`)
    }
    return value as Json
  }

  array(value: unknown, path: IssuePath): unknown[] {
    if (!Array.isArray(value)) return this.fail(path, `expected a list, found ${describeValue(value)}`)
    return value
  }

  optionalArray(value: unknown, path: IssuePath): unknown[] {
    return value === undefined || value === null ? [] : this.array(value, path)
  }

  nodeId(value: unknown, path: IssuePath): string {
    if (value === '__proto__') return this.fail(path, '"__proto__" cannot be a node id')
    if ((typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value !== '')) {
      return String(value)
    }
    return this.fail(path, `expected a node id (number or string), found ${describeValue(value)}`)
  }

  linkId(value: unknown, path: IssuePath): LinkId {
    if ((typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && value !== '')) {
      return String(value)
    }
    return this.fail(path, `expected a link id, found ${describeValue(value)}`)
  }

  // The editor's schema accepts slot indices written as numeric strings:
  slot(value: unknown, path: IssuePath): number {
    const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value
    if (typeof n === 'number' && Number.isInteger(n)) return n
    return this.fail(path, `expected a slot index (integer), found ${describeValue(value)}`)
  }

  graph(raw: Json, path: IssuePath, linkForm: 'arrays' | 'objects'): UiGraph {
    const nodes = this.array(raw['nodes'], [...path, 'nodes']).map((n, i) => this.node(n, [...path, 'nodes', i]))
    const byId = new Map<string, UiNode>()
    for (const node of nodes) {
      if (byId.has(node.id)) this.fail([...node.path, 'id'], `two nodes have the id ${node.id}`)
      byId.set(node.id, node)
    }
    const links = new Map<LinkId, UiLink>()
    this.optionalArray(raw['links'], [...path, 'links']).forEach((l, i) => {
      // The editor writes null for deleted links in some versions:
      if (l === null) return
      const link = linkForm === 'arrays' ? this.arrayLink(l, [...path, 'links', i]) : this.objectLink(l, [...path, 'links', i])
      links.set(link.id, link)
    })
    return { nodes, byId, links, path }
  }

  arrayLink(value: unknown, path: IssuePath): UiLink {
    const l = this.array(value, path)
    if (l.length < 5) this.fail(path, `expected a link [id, origin, origin slot, target, target slot, type], found ${describeValue(l)}`)
    return {
      id: this.linkId(l[0], [...path, 0]),
      originId: this.nodeId(l[1], [...path, 1]),
      originSlot: this.slot(l[2], [...path, 2]),
      targetId: this.nodeId(l[3], [...path, 3]),
      targetSlot: this.slot(l[4], [...path, 4]),
      type: slotType(l[5]),
    }
  }

  objectLink(value: unknown, path: IssuePath): UiLink {
    const l = this.object(value, path)
    return {
      id: this.linkId(l['id'], [...path, 'id']),
      originId: this.nodeId(l['origin_id'], [...path, 'origin_id']),
      originSlot: this.slot(l['origin_slot'], [...path, 'origin_slot']),
      targetId: this.nodeId(l['target_id'], [...path, 'target_id']),
      targetSlot: this.slot(l['target_slot'], [...path, 'target_slot']),
      type: slotType(l['type']),
    }
  }

  node(value: unknown, path: IssuePath, fallbackId?: string): UiNode {
    const n = this.object(value, path)
    const id = n['id'] === undefined && fallbackId !== undefined ? fallbackId : this.nodeId(n['id'], [...path, 'id'])
    const type = n['type']
    if (typeof type !== 'string' || type === '') this.fail([...path, 'type'], `expected the node type (a class name), found ${describeValue(type)}`)
    const mode = n['mode'] ?? 0
    if (typeof mode !== 'number') this.fail([...path, 'mode'], `expected a number, found ${describeValue(mode)}`)
    const title = n['title']
    const widgets = n['widgets_values']
    if (widgets !== undefined && widgets !== null && typeof widgets !== 'object') {
      this.fail([...path, 'widgets_values'], `expected a list or an object, found ${describeValue(widgets)}`)
    }
    const named = n['widgets_values_named']
    const properties = n['properties']
    return {
      id,
      type,
      mode,
      title: typeof title === 'string' ? title : undefined,
      inputs: this.optionalArray(n['inputs'], [...path, 'inputs']).map((x, i) => this.input(x, [...path, 'inputs', i])),
      outputs: this.optionalArray(n['outputs'], [...path, 'outputs']).map((x, i) => this.output(x, [...path, 'outputs', i])),
      widgetsValues: (widgets ?? undefined) as UiNode['widgetsValues'],
      widgetsValuesNamed: typeof named === 'object' && named !== null && !Array.isArray(named) ? (named as Json) : undefined,
      properties: typeof properties === 'object' && properties !== null && !Array.isArray(properties) ? (properties as Json) : {},
      path,
    }
  }

  input(value: unknown, path: IssuePath): UiInput {
    const x = this.object(value, path)
    const link = x['link']
    const widget = x['widget']
    const widgetName = typeof widget === 'object' && widget !== null ? (widget as Json)['name'] : undefined
    return {
      name: this.name(x['name'], [...path, 'name']),
      type: slotType(x['type']),
      link: link === null || link === undefined ? undefined : this.linkId(link, [...path, 'link']),
      widget: typeof widgetName === 'string' ? widgetName : undefined,
    }
  }

  output(value: unknown, path: IssuePath): UiOutput {
    const x = this.object(value, path)
    return { name: this.name(x['name'], [...path, 'name']), type: slotType(x['type']) }
  }

  name(value: unknown, path: IssuePath): string {
    if (value === '__proto__') return this.fail(path, '"__proto__" cannot be a slot name')
    if (typeof value === 'string') return value
    return this.fail(path, `expected a slot name (string), found ${describeValue(value)}`)
  }

  definitions(raw: Json, path: IssuePath, into: Map<string, UiSubgraph>): void {
    const defs = raw['definitions']
    if (defs === undefined || defs === null) return
    const list = this.optionalArray(this.object(defs, [...path, 'definitions'])['subgraphs'], [...path, 'definitions', 'subgraphs'])
    list.forEach((s, i) => {
      const at = [...path, 'definitions', 'subgraphs', i]
      const sg = this.object(s, at)
      const id = sg['id']
      if (typeof id !== 'string' || id === '') this.fail([...at, 'id'], `expected the subgraph id (a string), found ${describeValue(id)}`)
      const name = typeof sg['name'] === 'string' ? sg['name'] : id
      into.set(id, {
        ...this.graph(sg, at, 'objects'),
        id,
        name,
        inputs: this.optionalArray(sg['inputs'], [...at, 'inputs']).map((x, j) => this.subgraphSlot(x, [...at, 'inputs', j])),
        outputs: this.optionalArray(sg['outputs'], [...at, 'outputs']).map((x, j) => this.subgraphSlot(x, [...at, 'outputs', j])),
      })
      this.definitions(sg, at, into)
    })
  }

  subgraphSlot(value: unknown, path: IssuePath): UiSubgraphSlot {
    const x = this.object(value, path)
    return {
      name: this.name(x['name'], [...path, 'name']),
      type: slotType(x['type']),
      linkIds: this.optionalArray(x['linkIds'], [...path, 'linkIds']).map((l, i) => this.linkId(l, [...path, 'linkIds', i])),
    }
  }

  groupNodes(root: Json): Map<string, UiGroupNodeDef> {
    const out = new Map<string, UiGroupNodeDef>()
    const extra = root['extra']
    if (typeof extra !== 'object' || extra === null) return out
    const groups = (extra as Json)['groupNodes']
    if (groups === undefined || groups === null) return out
    for (const [name, data] of Object.entries(this.object(groups, ['extra', 'groupNodes']))) {
      const at = ['extra', 'groupNodes', name]
      const g = this.object(data, at)
      const nodes = this.array(g['nodes'], [...at, 'nodes']).map((n, i) => {
        const node = this.node(n, [...at, 'nodes', i], String(i))
        // Inner nodes are addressed by their position in the list, whatever id they carried:
        return { ...node, id: String(i) }
      })
      const links = this.optionalArray(g['links'], [...at, 'links']).map((l, i) => {
        const p = [...at, 'links', i]
        const x = this.array(l, p)
        if (x.length < 4) this.fail(p, `expected a group link [origin, origin slot, target, target slot, ...], found ${describeValue(x)}`)
        const origin = x[0] === null ? null : this.slot(x[0], [...p, 0])
        return [origin, this.slot(x[1], [...p, 1]), this.slot(x[2], [...p, 2]), this.slot(x[3], [...p, 3])] as const
      })
      // Some editors wrote the node object instead of its index here, which the editor itself then ignores:
      const external = this.optionalArray(g['external'], [...at, 'external']).flatMap((e, i) => {
        const x = this.array(e, [...at, 'external', i])
        return Number.isInteger(x[0]) && Number.isInteger(x[1]) ? [[x[0] as number, x[1] as number] as const] : []
      })
      out.set(name, { name, nodes, links, external, ...groupVisibility(g['config']), path: at })
    }
    return out
  }
}

// The workflow's node id counter: `last_node_id` (schema 0.4) or `state.lastNodeId` (schema 1):
function lastNodeId(root: Json): number | undefined {
  const state = root['state']
  const last = root['last_node_id'] ?? (typeof state === 'object' && state !== null ? (state as Json)['lastNodeId'] : undefined)
  return typeof last === 'number' && Number.isFinite(last) ? last : undefined
}

// Socket types are strings, but the editor also accepts lists (rgthree) and numbers (legacy events):
function slotType(value: unknown): string {
  if (typeof value === 'string') return value === '' ? '*' : value
  if (Array.isArray(value)) return value.map(String).join(',')
  if (typeof value === 'number') return String(value)
  return '*'
}

// `config: {"<index>": {input: {<name>: {visible}}, output: {"<slot>": {visible}}}}`, read leniently (UI state):
function groupVisibility(config: unknown): { hiddenInputs: Set<string>; outputVisibility: Map<string, boolean> } {
  const hiddenInputs = new Set<string>()
  const outputVisibility = new Map<string, boolean>()
  if (typeof config !== 'object' || config === null) return { hiddenInputs, outputVisibility }
  for (const [index, entry] of Object.entries(config)) {
    if (typeof entry !== 'object' || entry === null) continue
    const { input, output } = entry as Json
    for (const [name, c] of Object.entries(typeof input === 'object' && input !== null ? input : {})) {
      if (typeof c === 'object' && c !== null && (c as Json)['visible'] === false) hiddenInputs.add(`${index}:${name}`)
    }
    for (const [slot, c] of Object.entries(typeof output === 'object' && output !== null ? output : {})) {
      const visible = typeof c === 'object' && c !== null ? (c as Json)['visible'] : undefined
      if (typeof visible === 'boolean') outputVisibility.set(`${index}:${slot}`, visible)
    }
  }
  return { hiddenInputs, outputVisibility }
}
