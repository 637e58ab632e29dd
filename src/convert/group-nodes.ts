/**
 * Legacy group nodes (`extra.groupNodes`, instance type `workflow>Name` or `workflow/Name`): the editor builds a
 * node definition from the inner nodes and, when queueing, runs the inner nodes with ids `<instance>:<index>`.
 * This module rebuilds one instance's inside as a graph level: inner links, the instance's inputs fed in through
 * the subgraph-input pseudo-node, its widget values handed to the inner widgets they came from.
 * @module
 */
import type { DefSet, InputDef, NodeDef } from '../defs/model.js'
import { hasWidget } from '../defs/normalize.js'
import { SUBGRAPH_INPUT_ID, type LinkId, type UiGraph, type UiGroupNodeDef, type UiLink, type UiNode } from './ui-graph.js'
import { appendedToRequired, inputWidgets, isWidgetType, type EditorWidget } from './editor-widgets.js'

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
      // A Reroute fed from outside the group is an instance input. Editor 1.43.5 then loses the link at queue time
      // (its group code resolves the inner Reroute to nothing) and the server rejects the prompt; this follows the
      // link through, which is what the workflow means (a known editor bug, not followed; tested).
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

  const overrides = groupWidgetOverrides(instance, group, context.defs)
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
    const own = overrides.get(i)
    return own === undefined ? { ...node, inputs } : { ...node, inputs, widgetOverrides: own }
  })
  const byId = new Map(nodes.map((n) => [n.id, n]))
  return { graph: { nodes, byId, links, path: group.path }, outputs }
}

// The editor builds the group's definition input by input (its GroupNodeConfig) and the instance's widgets from it;
// the instance's `widgets_values` fill those widgets in order, and each inner widget the group took over gets the
// value of its group widget. What the definition made a socket (every V1 list combo: its type is not a string) keeps
// the inner node's own value.
function groupWidgetOverrides(instance: UiNode, group: UiGroupNodeDef, defs: DefSet): Map<number, Map<string, unknown>> {
  const entries = new Map<string, { readonly widgets: readonly EditorWidget[]; readonly inner?: { node: number; name: string } }>()
  const seen = new Map<string, number>()
  const later: (() => void)[] = []
  const linked = new Set(group.links.flatMap(([origin, , target, slot]) => (origin === null ? [] : [`${target}:${slot}`])))
  group.nodes.forEach((node, i) => {
    const def = defs.classes.get(node.type)
    if (def === undefined) return
    const name = (input: string): string => groupInputName(node, input, seen)
    const converted = new Map<number, InputDef>()
    const slots: (InputDef | EditorWidget)[] = []
    const put = (key: string, widgets: readonly EditorWidget[], inner?: string): void => {
      entries.set(key, inner === undefined ? { widgets } : { widgets, inner: { node: i, name: inner } })
    }
    for (const item of groupInputs(def)) {
      const isInput = 'kind' in item && !('persisted' in item)
      const input = isInput ? (item as InputDef) : undefined
      const stringTyped = input === undefined || !(input.kind === 'COMBO' && input.v1Combo)
      if (stringTyped && (input === undefined || isWidgetType(input))) {
        const itemName = input?.name ?? (item as EditorWidget).name
        const at = node.inputs.findIndex((x) => x.name === itemName && x.widget === itemName)
        if (at > -1 && input !== undefined) {
          converted.set(at, input)
          continue
        }
        const key = name(itemName)
        put(key, input === undefined ? [{ ...(item as EditorWidget), name: key }] : inputWidgets(input, key), itemName)
      } else {
        slots.push(item)
      }
    }
    // The editor checks "linked" by the position in this list of sockets, not the node's own slot numbers:
    slots.forEach((item, s) => {
      if (linked.has(`${i}:${s}`)) return
      const itemName = 'persisted' in item ? item.name : item.name
      const key = name(itemName)
      if (group.hiddenInputs.has(`${i}:${itemName}`)) return
      put(key, 'persisted' in item ? [item] : inputWidgets(item, key))
    })
    later.push(() => {
      ;[...converted.keys()]
        .sort()
        .forEach((at, k) => {
          const input = converted.get(at) as InputDef
          if (linked.has(`${i}:${slots.length + k}`)) return
          const key = name(input.name)
          put(key, inputWidgets(input, key), input.name)
        })
    })
  })
  for (const add of later) add()

  // The instance's values fill the group's widgets in order, skipping those the editor does not write:
  const values = Array.isArray(instance.widgetsValues) ? instance.widgetsValues : []
  const held = new Map<string, unknown>()
  let next = 0
  for (const [key, entry] of entries) {
    entry.widgets.forEach((widget, w) => {
      let value = widget.default
      if (widget.persisted && next < values.length) value = values[next++]
      if (w === 0 && !held.has(key)) held.set(key, value)
    })
  }
  const out = new Map<number, Map<string, unknown>>()
  for (const [key, entry] of entries) {
    if (entry.inner === undefined || !held.has(key)) continue
    const own = out.get(entry.inner.node) ?? new Map<string, unknown>()
    own.set(entry.inner.name, held.get(key))
    out.set(entry.inner.node, own)
  }
  return out
}

// The inputs of an inner node's definition as the editor's extensions left them: required, the appended ones, optional.
function groupInputs(def: NodeDef): (InputDef | EditorWidget)[] {
  return [...def.inputs.filter((x) => x.required), ...appendedToRequired(def), ...def.inputs.filter((x) => !x.required)]
}

// The name of a group input: the inner name, or prefixed with the node's title (or type) when already taken.
function groupInputName(node: UiNode, input: string, seen: Map<string, number>): string {
  let name = input
  let key = name
  if ((node.type === 'PrimitiveNode' && node.title !== undefined) || seen.has(name)) {
    const prefix = `${node.title ?? node.type} `
    key = name = `${prefix}${input}`
    if (seen.has(name)) name = `${prefix}${seen.get(name)} ${input}`
  }
  seen.set(key, (seen.get(key) ?? 1) + 1)
  return name
}
