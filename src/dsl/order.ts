/**
 * The serializer's walk over node handles: dependencies before dependents, in first-visit order, as
 * {@link walkPostOrder} orders them, but marking the handles' walk states instead of filling a Map (a Map costs
 * more than the rest of `toPromptJson` on a 10,000-node graph).
 * @module
 */
import { walkStateOf } from './node.js'
import type { WalkState } from './walk-state.js'
import type { NodeHandle } from './output.js'

// Place of a handle on the path being walked:
const OPEN = -1
let walks = 0

/**
 * The walk states of every handle reachable from `starts`, each after those its links come from; each state's
 * `place` is its index. `undefined` when the graph holds a handle another copy of the package made (the caller
 * walks with a Map then). `onCycle` must throw.
 */
export function orderHandles(starts: readonly NodeHandle[], onCycle: (from: NodeHandle, dependency: NodeHandle) => never): WalkState[] | undefined {
  const walk = ++walks
  const order: WalkState[] = []
  // The path, as two parallel stacks (no frame object per node):
  const nodes: WalkState[] = []
  const positions: number[] = []
  for (let r = 0; r < starts.length; r++) {
    const root = walkStateOf(starts[r] as NodeHandle)
    if (root === undefined || root.dependencies === undefined) return undefined
    if (root.walk === walk) continue
    root.walk = walk
    root.place = OPEN
    nodes.push(root)
    positions.push(0)
    while (nodes.length > 0) {
      const top = nodes.length - 1
      const state = nodes[top] as WalkState
      const list = state.dependencies as readonly WalkState[]
      let i = positions[top] as number
      let descended = false
      while (i < list.length) {
        const next = list[i++] as WalkState
        if (next.dependencies === undefined) return undefined
        if (next.walk === walk) {
          if (next.place === OPEN) onCycle(state.handle, next.handle)
          continue
        }
        positions[top] = i
        next.walk = walk
        next.place = OPEN
        nodes.push(next)
        positions.push(0)
        descended = true
        break
      }
      if (descended) continue
      nodes.pop()
      positions.pop()
      state.place = order.length
      order.push(state)
    }
  }
  return order
}
