/**
 * Dependencies before dependents: the one depth-first walk that serialization, import, transpiling and the test
 * server's executor share. Iterative, so long chains (10,000 nodes) never hit a recursion limit.
 * @module
 */

/**
 * Every node reachable from `roots`, each after the nodes its edges lead to, in first-visit order.
 * An edge back into the path being walked (a cycle) is passed to `onCycle` with that path (from the node the
 * cycle starts at) and then skipped; `onCycle` may throw instead.
 */
export function postOrder<N, E = N>(
  roots: Iterable<N>,
  edges: (node: N) => readonly E[],
  target?: (edge: E) => N,
  onCycle?: (path: readonly N[], from: N, edge: E) => void,
): N[] {
  return walkPostOrder(roots, edges, target, onCycle).order
}

export interface PostOrderWalk<N> {
  readonly order: N[]
  /** Each node's position in `order`. */
  readonly position: ReadonlyMap<N, number>
}

/** {@link postOrder} that also returns each node's position in the order (one map for both jobs). */
export function walkPostOrder<N, E = N>(
  roots: Iterable<N>,
  edges: (node: N) => readonly E[],
  target: (edge: E) => N = (edge) => edge as unknown as N,
  onCycle?: (path: readonly N[], from: N, edge: E) => void,
): PostOrderWalk<N> {
  const order: N[] = []
  // -1 while a node is on the path being walked, then its position in `order`:
  const position = new Map<N, number>()
  // The path, as three parallel stacks (no frame object per node):
  const nodes: N[] = []
  const lists: (readonly E[])[] = []
  const positions: number[] = []
  for (const root of roots) {
    if (position.has(root)) continue
    position.set(root, OPEN)
    nodes.push(root)
    lists.push(edges(root))
    positions.push(0)
    while (nodes.length > 0) {
      const top = nodes.length - 1
      const list = lists[top] as readonly E[]
      let i = positions[top] as number
      let descended = false
      while (i < list.length) {
        const edge = list[i++] as E
        const next = target(edge)
        const seen = position.get(next)
        if (seen !== undefined && seen !== OPEN) continue
        positions[top] = i
        if (seen === OPEN) {
          onCycle?.(nodes.slice(nodes.indexOf(next)), nodes[top] as N, edge)
          continue
        }
        position.set(next, OPEN)
        nodes.push(next)
        lists.push(edges(next))
        positions.push(0)
        descended = true
        break
      }
      if (descended) continue
      const node = nodes.pop() as N
      lists.pop()
      positions.pop()
      position.set(node, order.length)
      order.push(node)
    }
  }
  return { order, position }
}

const OPEN = -1
