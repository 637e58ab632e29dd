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
  target: (edge: E) => N = (edge) => edge as unknown as N,
  onCycle?: (path: readonly N[], from: N, edge: E) => void,
): N[] {
  const order: N[] = []
  const state = new Map<N, 'open' | 'done'>()
  for (const root of roots) {
    if (state.has(root)) continue
    const stack: { node: N; edges: readonly E[]; next: number }[] = [{ node: root, edges: edges(root), next: 0 }]
    state.set(root, 'open')
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as (typeof stack)[number]
      if (frame.next === frame.edges.length) {
        stack.pop()
        state.set(frame.node, 'done')
        order.push(frame.node)
        continue
      }
      const edge = frame.edges[frame.next++] as E
      const next = target(edge)
      const seen = state.get(next)
      if (seen === 'done') continue
      if (seen === 'open') {
        onCycle?.(stack.slice(stack.findIndex((f) => f.node === next)).map((f) => f.node), frame.node, edge)
        continue
      }
      state.set(next, 'open')
      stack.push({ node: next, edges: edges(next), next: 0 })
    }
  }
  return order
}
