/**
 * The executable view of a UI workflow, as the editor builds it when queueing: subgraph and group node instances
 * are replaced by their inner nodes (execution ids `outer:inner`), and every input link is followed through
 * reroutes, bypassed nodes, primitive nodes and subgraph boundaries to the node that really produces the value.
 * @module
 */
import type { DefSet } from '../defs/model.js'
import { WorkflowFormatError, type IssuePath } from '../errors.js'
import { expandGroupNode, groupNodeName } from './group-nodes.js'
import {
  MODE,
  SUBGRAPH_INPUT_ID,
  SUBGRAPH_OUTPUT_ID,
  type LinkId,
  type UiGraph,
  type UiNode,
  type UiSubgraph,
  type UiWorkflow,
} from './ui-graph.js'
import type { WarningSink } from './warnings.js'

/** Where an input's value comes from: an output of an executed node, or a literal value. */
export type Resolved =
  | { readonly kind: 'link'; readonly originId: string; readonly slot: number }
  /** A literal from a primitive node (`primitive`), or one that resolution otherwise fixed. */
  | { readonly kind: 'value'; readonly value: unknown; readonly primitive?: UiNode }
  /** The value of a widget of an executed node: an unconnected subgraph input shows the inner widget it feeds. */
  | { readonly kind: 'widget'; readonly exec: ExecNode; readonly widget: string }

/** One graph level as seen from inside: its nodes and links, and what its boundary connects to outside. */
interface Scope {
  readonly graph: UiGraph
  /** The instance node this level is the inside of (absent at the root). */
  readonly host: ExecNode | undefined
  /** Link (in the host's level) feeding boundary input `k`. */
  hostInputLink(k: number): LinkId | undefined
  /** The inner widget boundary input `k` feeds, whose value the host's promoted widget shows. */
  promotedWidget(k: number): { readonly nodeId: string; readonly widget: string } | undefined
  /** The boundary input an instance socket `slot` is, -1 when none. */
  boundaryInput(slot: number): number
  /** Inner origin of the host's output `k`. */
  outputSource(k: number): { nodeId: string; slot: number } | { input: number } | undefined
}

export interface ExecNode {
  /** Execution id: the node id, prefixed by the ids of the instances it is inside (`"58:43"`). */
  readonly id: string
  readonly node: UiNode
  readonly kind: 'node' | 'virtual' | 'instance'
  readonly scope: Scope
  /** For instances: the scope of the inside, when it was expanded. */
  readonly inner: Scope | undefined
}

export interface ExecGraphOptions {
  readonly defs: DefSet
  readonly isVirtual: (type: string) => boolean
  readonly warn: WarningSink
  readonly file: string | undefined
}

/** Builds the executable nodes of a workflow and resolves their inputs. */
export class ExecGraph {
  /** Every node by execution id, in the order the editor emits them (instances before their insides). */
  readonly nodes = new Map<string, ExecNode>()

  constructor(
    readonly workflow: UiWorkflow,
    readonly options: ExecGraphOptions,
  ) {
    this.visit(rootScope(workflow.root), '', [])
  }

  // `within`: the subgraph definitions (or group names) the current level is inside of.
  private visit(scope: Scope, prefix: string, within: readonly string[]): void {
    for (const node of scope.graph.nodes) {
      const id = prefix + node.id
      if (this.nodes.size >= MAX_NODES) this.fail(node.path, `the workflow expands to more than ${MAX_NODES} nodes`)
      const subgraph = this.workflow.subgraphs.get(node.type)
      const group = groupNodeName(node.type)
      const isInstance = subgraph !== undefined || (group !== undefined && this.workflow.groupNodes.has(group))
      const exec: { -readonly [K in keyof ExecNode]: ExecNode[K] } = {
        id,
        node,
        kind: isInstance ? 'instance' : this.options.isVirtual(node.type) ? 'virtual' : 'node',
        scope,
        inner: undefined,
      }
      this.nodes.set(id, exec)
      // The editor does not run the inside of a muted or bypassed instance:
      if (!isInstance || node.mode === MODE.never || node.mode === MODE.bypass) continue
      if (within.includes(node.type)) this.fail([...node.path, 'type'], `subgraph "${node.type}" contains itself`)
      exec.inner = subgraph !== undefined ? subgraphScope(subgraph, exec) : this.groupScope(exec, group as string)
      if (exec.inner !== undefined) this.visit(exec.inner, `${id}:`, [...within, node.type])
    }
  }

  private groupScope(exec: ExecNode, name: string): Scope | undefined {
    const group = this.workflow.groupNodes.get(name)
    if (group === undefined) return undefined
    const expansion = expandGroupNode(exec.node, group, this.options)
    if ('missing' in expansion) {
      this.options.warn({
        code: 'group_node_unavailable',
        message: `group node "${name}" contains classes the definitions lack (${expansion.missing.join(', ')}); its nodes are left out`,
        path: exec.node.path,
        nodeId: exec.id,
      })
      return undefined
    }
    return {
      graph: expansion.graph,
      host: exec,
      hostInputLink: (k) => exec.node.inputs[k]?.link,
      promotedWidget: () => undefined,
      boundaryInput: (slot) => slot,
      outputSource: (k) => expansion.outputs[k],
    }
  }

  /** Resolves input `slot` of a node; undefined when nothing (executable) is connected. */
  resolveInput(exec: ExecNode, slot: number, visited = new Set<string>(), type?: string): Resolved | undefined {
    const key = `${exec.id}[I]${slot}`
    if (visited.has(key)) this.fail([...exec.node.path, 'inputs', slot], 'the links loop back to this input')
    visited.add(key)
    const input = exec.node.inputs[slot]
    if (input?.link === undefined) return undefined
    return this.resolveLink(exec.scope, input.link, type ?? input.type, visited, [...exec.node.path, 'inputs', slot, 'link'])
  }

  private resolveLink(scope: Scope, linkId: LinkId, type: string, visited: Set<string>, path: IssuePath): Resolved | undefined {
    const link = scope.graph.links.get(linkId)
    if (link === undefined) {
      this.options.warn({ code: 'dangling_link', message: `link ${linkId} is not in the workflow; the input is left unconnected`, path })
      return undefined
    }
    if (link.originId === SUBGRAPH_INPUT_ID && scope.host !== undefined) {
      const k = link.originSlot
      const hostLink = scope.hostInputLink(k)
      if (hostLink === undefined) return this.promoted(scope, k)
      const hostKey = `${scope.host.id}[B]${k}`
      if (visited.has(hostKey)) this.fail(scope.host.node.path, 'the links loop back through this subgraph input')
      visited.add(hostKey)
      return this.resolveLink(scope.host.scope, hostLink, type, visited, [...scope.host.node.path, 'inputs'])
    }
    const origin = this.nodes.get(this.prefixOf(scope) + link.originId)
    if (origin === undefined || origin.scope !== scope) {
      this.options.warn({
        code: 'dangling_link',
        message: `link ${linkId} comes from node ${link.originId}, which is not in the workflow; the input is left unconnected`,
        path,
      })
      return undefined
    }
    return this.resolveOutput(origin, link.originSlot, type, visited)
  }

  /** Resolves output `slot` of a node as seen by an input of type `type`. */
  resolveOutput(exec: ExecNode, slot: number, type: string, visited: Set<string>): Resolved | undefined {
    const key = `${exec.id}[O]${slot}`
    if (visited.has(key)) this.fail([...exec.node.path, 'outputs', slot], 'the links loop back to this output')
    visited.add(key)
    const { node } = exec
    // A primitive node hands its value to its targets before the prompt is built, whatever its mode:
    if (exec.kind === 'virtual' && node.type === 'PrimitiveNode') return this.resolveVirtualOutput(exec, slot, type, visited)
    if (node.mode === MODE.bypass) {
      const index = bypassInput(node, slot, type)
      if (index === -1) {
        this.options.warn({
          code: 'bypass_unresolved',
          message: `bypassed node ${exec.id} (${node.type}) has no input of type ${type} to pass through; the input is left unconnected`,
          path: node.path,
          nodeId: exec.id,
        })
        return undefined
      }
      return this.resolveInput(exec, index, visited)
    }
    if (exec.kind === 'instance') return this.resolveInstanceOutput(exec, slot, type, visited)
    if (exec.kind === 'virtual') return this.resolveVirtualOutput(exec, slot, type, visited)
    return { kind: 'link', originId: exec.id, slot }
  }

  private resolveInstanceOutput(exec: ExecNode, slot: number, type: string, visited: Set<string>): Resolved | undefined {
    const inner = exec.inner
    if (inner === undefined) return undefined
    const source = inner.outputSource(slot)
    if (source === undefined) return undefined
    if ('input' in source) {
      const link = inner.hostInputLink(source.input)
      return link === undefined ? undefined : this.resolveLink(exec.scope, link, type, visited, [...exec.node.path, 'inputs'])
    }
    const origin = this.nodes.get(`${exec.id}:${source.nodeId}`)
    return origin === undefined ? undefined : this.resolveOutput(origin, source.slot, type, visited)
  }

  private resolveVirtualOutput(exec: ExecNode, slot: number, type: string, visited: Set<string>): Resolved | undefined {
    const { node } = exec
    if (node.type === 'PrimitiveNode') {
      const values = node.widgetsValues
      return Array.isArray(values) && values.length > 0 ? { kind: 'value', value: values[0], primitive: node } : undefined
    }
    // KJNodes Get/Set: a GetNode reads what the SetNode of the same name receives:
    if (node.type === 'GetNode') {
      const name = firstWidget(node)
      const setter = [...this.nodes.values()].find(
        (x) => x.scope === exec.scope && x.node.type === 'SetNode' && firstWidget(x.node) === name,
      )
      return setter === undefined ? undefined : this.resolveInput(setter, 0, visited, type)
    }
    return node.inputs[slot] === undefined ? undefined : this.resolveInput(exec, slot, visited, type)
  }

  // The widget an unconnected subgraph input shows: the first inner widget it feeds, followed into nested instances.
  private promoted(scope: Scope, k: number, depth = 0): Resolved | undefined {
    const source = scope.promotedWidget(k)
    if (source === undefined || depth > MAX_PROMOTION_DEPTH) return undefined
    const exec = this.nodes.get(this.prefixOf(scope) + source.nodeId)
    if (exec === undefined) return undefined
    if (exec.kind === 'instance') {
      const inner = exec.inner
      const slot = exec.node.inputs.findIndex((x) => x.widget === source.widget || x.name === source.widget)
      return inner === undefined || slot === -1 ? undefined : this.promoted(inner, inner.boundaryInput(slot), depth + 1)
    }
    return exec.kind === 'node' ? { kind: 'widget', exec, widget: source.widget } : undefined
  }

  private prefixOf(scope: Scope): string {
    return scope.host === undefined ? '' : `${scope.host.id}:`
  }

  private fail(path: IssuePath, reason: string): never {
    throw new WorkflowFormatError(reason, this.options.file === undefined ? { path } : { path, file: this.options.file })
  }
}

// Subgraphs nested with fan-out multiply; real workflows stay far below this:
const MAX_NODES = 250_000
const MAX_PROMOTION_DEPTH = 64

function rootScope(graph: UiGraph): Scope {
  return {
    graph,
    host: undefined,
    hostInputLink: () => undefined,
    promotedWidget: () => undefined,
    boundaryInput: () => -1,
    outputSource: () => undefined,
  }
}

function subgraphScope(subgraph: UiSubgraph, host: ExecNode): Scope {
  const instance = host.node
  // Instance sockets follow the definition's inputs by name (saved instances may list fewer):
  const used = new Set<number>()
  const socketOf = subgraph.inputs.map((input, k) => {
    let index = instance.inputs.findIndex((x, i) => !used.has(i) && x.name === input.name)
    if (index === -1 && instance.inputs.length === subgraph.inputs.length && !used.has(k)) index = k
    if (index !== -1) used.add(index)
    return index
  })
  return {
    graph: subgraph,
    host,
    hostInputLink: (k) => {
      const index = socketOf[k]
      return index === undefined || index === -1 ? undefined : instance.inputs[index]?.link
    },
    // The host's promoted widget shows the first inner widget the input feeds (its own saved value is not read):
    promotedWidget: (k) => {
      const input = subgraph.inputs[k]
      const links = [...(input?.linkIds ?? []).flatMap((id) => subgraph.links.get(id) ?? []), ...subgraph.links.values()]
      for (const l of links) {
        if (l.originId !== SUBGRAPH_INPUT_ID || l.originSlot !== k) continue
        const widget = subgraph.byId.get(l.targetId)?.inputs[l.targetSlot]?.widget
        if (widget !== undefined) return { nodeId: l.targetId, widget }
      }
      return undefined
    },
    boundaryInput: (slot) => socketOf.indexOf(slot),
    outputSource: (k) => {
      const output = subgraph.outputs[k]
      const link =
        (output?.linkIds[0] === undefined ? undefined : subgraph.links.get(output.linkIds[0])) ??
        [...subgraph.links.values()].find((l) => l.targetId === SUBGRAPH_OUTPUT_ID && l.targetSlot === k)
      if (link === undefined) return undefined
      return link.originId === SUBGRAPH_INPUT_ID ? { input: link.originSlot } : { nodeId: link.originId, slot: link.originSlot }
    },
  }
}

function firstWidget(node: UiNode): unknown {
  return Array.isArray(node.widgetsValues) ? node.widgetsValues[0] : undefined
}

/** Litegraph's type compatibility: `*` and empty match anything; comma lists match when any member matches. */
export function typesCompatible(a: string, b: string): boolean {
  if (a === '*' || a === '' || b === '*' || b === '' || a === b) return true
  const x = a.toLowerCase()
  const y = b.toLowerCase()
  if (!x.includes(',') && !y.includes(',')) return x === y
  const ys = y.split(',')
  return x.split(',').some((p) => ys.some((q) => typesCompatible(p, q)))
}

// Which input a bypassed node passes to output `slot` (the editor's rule): any-typed targets take the same slot,
// then the same slot if its type fits, then the first input of exactly the type, then the first that fits.
function bypassInput(node: UiNode, slot: number, type: string): number {
  const { inputs } = node
  if (type === '*' || type === '') return inputs.length > slot ? slot : inputs.length > 0 ? 0 : -1
  const outputType = node.outputs[slot]?.type ?? '*'
  const same = inputs[slot]
  if (same !== undefined && typesCompatible(same.type, outputType) && typesCompatible(same.type, type)) return slot
  const exact = inputs.findIndex((input) => input.type === type)
  if (exact !== -1) return exact
  return inputs.findIndex((input) => typesCompatible(input.type, outputType) && typesCompatible(input.type, type))
}
