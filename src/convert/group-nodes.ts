/**
 * Legacy group nodes (`extra.groupNodes`, instance type `workflow>Name` or `workflow/Name`): the editor builds a
 * node definition from the inner nodes and, when queueing, runs the inner nodes with ids `<instance>:<index>`.
 * This module rebuilds one instance's inside as a graph level: inner links, the instance's inputs fed in through
 * the subgraph-input pseudo-node, its widget values handed to the inner widgets they came from.
 * @module
 */
import type { DefSet, InputDef, NodeDef } from '../defs/model.js'
import { hasWidget } from '../defs/widgets.js'
import { SUBGRAPH_INPUT_ID, type LinkId, type UiGraph, type UiGroupNodeDef, type UiLink, type UiNode } from './ui-graph.js'
import { mapWidgetValues, widgetDefault } from './widgets.js'

/** Type prefixes of group node instances: `workflow/` before frontend 1.2.63, `workflow>` since. */
export const GROUP_NODE_PREFIXES = ['workflow>', 'workflow/'] as const

/** The group name of a group node instance type, or undefined. */
export function groupNodeName(type: string): string | undefined {
  for (const prefix of GROUP_NODE_PREFIXES) if (type.startsWith(prefix)) return type.slice(prefix.length)
  return undefined
}

export interface GroupExpansion {
  /** Inner nodes (ids are their index in the group), inner links and links from instance inputs. */
  readonly graph: UiGraph
  /** Instance output slot -> inner node and slot. */
  readonly outputs: readonly { readonly nodeId: string; readonly slot: number }[]
}

/** Classes the editor knows without a server definition, which a group may contain. */
export interface GroupContext {
  readonly defs: DefSet
  readonly isVirtual: (type: string) => boolean
}

/** Expands one instance; returns the inner types the definitions lack when the editor could not build it. */
export function expandGroupNode(
  instance: UiNode,
  group: UiGroupNodeDef,
  context: GroupContext,
): GroupExpansion | { readonly missing: readonly string[] } {
  const missing = group.nodes
    .map((n) => n.type)
    .filter((t) => t !== 'Reroute' && !context.defs.classes.has(t) && !context.isVirtual(t))
  if (missing.length > 0) return { missing: [...new Set(missing)] }

  const linksTo = new Map<string, (typeof group.links)[number]>()
  const linkedFrom = new Set<string>()
  for (const link of group.links) {
    const [origin, originSlot, target, targetSlot] = link
    if (origin === null) continue
    linksTo.set(`${target}:${targetSlot}`, link)
    linkedFrom.add(`${origin}:${originSlot}`)
  }
  const external = new Set(group.external.map(([i, slot]) => `${i}:${slot}`))
  const hasLinksTo = (i: number): boolean => group.nodes[i]?.inputs.some((_, s) => linksTo.has(`${i}:${s}`)) ?? false
  const hasLinksFrom = (i: number): boolean => [...linkedFrom].some((k) => k.startsWith(`${i}:`))

  // Instance input slots: each inner node's sockets not fed from inside, then every converted widget:
  const inputMap = new Map<string, number>()
  let next = 0
  const converted: (() => void)[] = []
  group.nodes.forEach((node, i) => {
    const def = context.defs.classes.get(node.type)
    if (node.type === 'Reroute') {
      if (hasLinksTo(i) && hasLinksFrom(i) && !external.has(`${i}:0`)) return
      if (!linksTo.has(`${i}:0`)) inputMap.set(`${i}:0`, next++)
      return
    }
    if (def === undefined) return
    const sockets = def.inputs.filter((input) => !hasWidget(input))
    const socketCount = sockets.length
    sockets.forEach((socket, s) => {
      if (!linksTo.has(`${i}:${s}`) && !group.hiddenInputs.has(`${i}:${socket.name}`)) inputMap.set(`${i}:${s}`, next++)
    })
    const convertedCount = node.inputs.filter((input, s) => s >= socketCount && input.widget !== undefined).length
    converted.push(() => {
      for (let j = 0; j < convertedCount; j++) {
        const s = socketCount + j
        if (!linksTo.has(`${i}:${s}`)) inputMap.set(`${i}:${s}`, next++)
      }
    })
  })
  for (const add of converted) add()

  // Instance outputs: every inner output not used only inside the group:
  const outputs: { nodeId: string; slot: number }[] = []
  group.nodes.forEach((node, i) => {
    const count = node.type === 'Reroute' ? 1 : (context.defs.classes.get(node.type)?.outputs.length ?? 0)
    if (node.type === 'Reroute' && hasLinksTo(i) && hasLinksFrom(i) && !external.has(`${i}:0`)) return
    for (let o = 0; o < count; o++) {
      const key = `${i}:${o}`
      const visible = group.outputVisibility.get(key) ?? (!linkedFrom.has(key) || external.has(key))
      if (visible) outputs.push({ nodeId: String(i), slot: o })
    }
  })

  const widgets = groupWidgetValues(instance, group, context.defs)
  const links = new Map<LinkId, UiLink>()
  const nodes = group.nodes.map((node, i): UiNode => {
    const inputs = node.inputs.map((input, s) => {
      const key = `${i}:${s}`
      const inner = linksTo.get(key)
      const slot = inputMap.get(key)
      let link: LinkId | undefined
      if (inner !== undefined) {
        link = `group:${key}`
        links.set(link, { id: link, originId: String(inner[0]), originSlot: inner[1], targetId: String(i), targetSlot: s, type: input.type })
      } else if (slot !== undefined) {
        link = `group-input:${key}`
        links.set(link, { id: link, originId: SUBGRAPH_INPUT_ID, originSlot: slot, targetId: String(i), targetSlot: s, type: input.type })
      }
      return { ...input, link }
    })
    const named = widgets.get(i)
    return named === undefined ? { ...node, inputs } : { ...node, inputs, namedWidgets: named }
  })
  const byId = new Map(nodes.map((n) => [n.id, n]))
  return { graph: { nodes, byId, links, path: group.path }, outputs }
}

// The instance's widget values, positionally over every inner widget that was not converted to a socket (a seed
// also has its control widget), override the inner nodes' own values:
function groupWidgetValues(instance: UiNode, group: UiGroupNodeDef, defs: DefSet): Map<number, [string, unknown][]> {
  const values = Array.isArray(instance.widgetsValues) ? instance.widgetsValues : []
  const out = new Map<number, [string, unknown][]>()
  let next = 0
  group.nodes.forEach((node, i) => {
    const def = defs.classes.get(node.type)
    if (def === undefined) return
    const own = ownWidgets(node, def)
    for (const input of def.inputs) {
      if (!hasWidget(input) || node.inputs.some((x) => x.name === input.name && x.widget === input.name)) continue
      if (next < values.length) own.set(input.name, values[next++])
      if (hasGroupControl(input) && next < values.length) next++
    }
    out.set(i, [...own])
  })
  return out
}

function ownWidgets(node: UiNode, def: NodeDef): Map<string, unknown> {
  const own = new Map<string, unknown>()
  const values = Array.isArray(node.widgetsValues) ? node.widgetsValues : []
  const mapping = mapWidgetValues(def, values)
  for (const w of mapping.widgets) own.set(w.name, w.value)
  for (const input of mapping.missing) {
    const fallback = widgetDefault(input)
    if (fallback !== undefined) own.set(input.name, fallback.value)
  }
  return own
}

function hasGroupControl(input: InputDef): boolean {
  if (input.name === 'seed' || input.name === 'noise_seed') return true
  return (input.kind === 'INT' || input.kind === 'FLOAT' || input.kind === 'COMBO') && input.controlAfterGenerate
}
