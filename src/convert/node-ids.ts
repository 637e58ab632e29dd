/**
 * Node ids unique across the whole workflow, as the editor makes them when it loads one: the root graph keeps its
 * ids, and a subgraph definition's node whose id is already taken (by the root or an earlier definition) gets the
 * next id after the workflow's last node id. Its links inside the definition follow.
 * @module
 */
import { SUBGRAPH_INPUT_ID, SUBGRAPH_OUTPUT_ID, type UiGraph, type UiLink, type UiNode, type UiSubgraph } from './ui-graph.js'

/** Returns the definitions with clashing node ids renumbered; `lastNodeId` is the workflow's counter. */
export function uniqueSubgraphNodeIds(
  root: UiGraph,
  subgraphs: ReadonlyMap<string, UiSubgraph>,
  lastNodeId: number | undefined,
): Map<string, UiSubgraph> {
  const taken = new Set(root.nodes.map((n) => n.id))
  let last = lastNodeId ?? Math.max(0, ...root.nodes.map((n) => Number(n.id)).filter(Number.isFinite))
  const out = new Map<string, UiSubgraph>()
  for (const [id, subgraph] of subgraphs) {
    const renamed = new Map<string, string>()
    for (const node of subgraph.nodes) {
      if (!taken.has(node.id)) {
        taken.add(node.id)
        continue
      }
      let next: string
      do next = String(++last)
      while (taken.has(next))
      taken.add(next)
      renamed.set(node.id, next)
    }
    out.set(id, renamed.size === 0 ? subgraph : renumber(subgraph, renamed))
  }
  return out
}

function renumber(subgraph: UiSubgraph, renamed: ReadonlyMap<string, string>): UiSubgraph {
  const to = (id: string): string => (id === SUBGRAPH_INPUT_ID || id === SUBGRAPH_OUTPUT_ID ? id : (renamed.get(id) ?? id))
  const nodes: UiNode[] = subgraph.nodes.map((n) => (renamed.has(n.id) ? { ...n, id: to(n.id) } : n))
  const links = new Map<string, UiLink>()
  for (const [id, l] of subgraph.links) links.set(id, { ...l, originId: to(l.originId), targetId: to(l.targetId) })
  return { ...subgraph, nodes, byId: new Map(nodes.map((n) => [n.id, n])), links }
}
