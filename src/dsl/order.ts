/**
 * The serializer's walk over node handles: dependencies before dependents, in first-visit order, as
 * {@link walkPostOrder} orders them, but marking the handles themselves instead of filling a Map (a Map costs
 * more than the rest of `toPromptJson` on a 10,000-node graph).
 * @module
 */
import { handleWalk } from './node.js'
import type { NodeHandle } from './output.js'

/** The order of a walk, and where each handle of it stands. */
export interface HandleOrder {
  readonly order: NodeHandle[]
  /** The place of a handle in `order` (only for handles in it). */
  placeOf(handle: NodeHandle): number
  /** See {@link HandleWalk.jsonAsIs} (false for handles of another copy of the package). */
  jsonAsIs(handle: NodeHandle): boolean
}

// Place of a handle on the path being walked:
const OPEN = -1
let walks = 0

/**
 * Every handle reachable from `starts`, each after the handles its links come from. `undefined` when the graph holds
 * a handle another copy of the package made (the caller walks with a Map then). `onCycle` must throw.
 */
export function orderHandles(starts: readonly NodeHandle[], onCycle: (from: NodeHandle, dependency: NodeHandle) => never): HandleOrder | undefined {
  const walk = ++walks
  const { dependencies, reachedIn, place, mark, jsonAsIs } = handleWalk
  const order: NodeHandle[] = []
  // The path, as three parallel stacks (no frame object per node):
  const nodes: NodeHandle[] = []
  const lists: (readonly NodeHandle[])[] = []
  const positions: number[] = []
  for (let r = 0; r < starts.length; r++) {
    const root = starts[r] as NodeHandle
    const rootDependencies = dependencies(root)
    if (rootDependencies === undefined) return undefined
    if (reachedIn(root) === walk) continue
    mark(root, walk, OPEN)
    nodes.push(root)
    lists.push(rootDependencies)
    positions.push(0)
    while (nodes.length > 0) {
      const top = nodes.length - 1
      const list = lists[top] as readonly NodeHandle[]
      let i = positions[top] as number
      let descended = false
      while (i < list.length) {
        const next = list[i++] as NodeHandle
        const nextDependencies = dependencies(next)
        if (nextDependencies === undefined) return undefined
        if (reachedIn(next) === walk) {
          if (place(next) === OPEN) onCycle(nodes[top] as NodeHandle, next)
          continue
        }
        positions[top] = i
        mark(next, walk, OPEN)
        nodes.push(next)
        lists.push(nextDependencies)
        positions.push(0)
        descended = true
        break
      }
      if (descended) continue
      const node = nodes.pop() as NodeHandle
      lists.pop()
      positions.pop()
      mark(node, walk, order.length)
      order.push(node)
    }
  }
  return { order, placeOf: place, jsonAsIs }
}
