/**
 * How deep a value nests, checked without recursion: the entry points of conversion, import and validation call
 * {@link assertJsonDepth} on what library callers hand them (values that never went through the JSON scanner), so
 * the recursive code behind them meets at most {@link MAX_JSON_DEPTH} levels instead of overflowing the stack.
 * @module
 */
import { JsonDepthError, MAX_JSON_DEPTH, type IssuePath } from '../errors.js'

export interface DepthOptions {
  /** Levels allowed; the outermost object or array is level 1. */
  readonly limit?: number
  /** Names the document in the error. */
  readonly file?: string
  /** Prefix of the reported path (where `value` sits in a larger document). */
  readonly path?: IssuePath
}

// Containers walked before sharing is suspected (a value reached through many parents): a tree this big is rare,
// and from there on each container is remembered, so shared ones cost no more than trees.
const PLAIN_WALK_BUDGET = 1_000_000

/**
 * Throws {@link JsonDepthError} naming the path of the first object or array nested deeper than the limit.
 * Linear in the size of the value; a value shared by several parents is walked again only when reached deeper, and
 * a cycle counts as too deep (recursive code would never end on it).
 */
export function assertJsonDepth(value: unknown, options: DepthOptions = {}): void {
  if (typeof value !== 'object' || value === null) return
  const limit = options.limit ?? MAX_JSON_DEPTH
  // The common case, a tree: two flat stacks, nothing remembered. Past the budget (sharing?), walk remembering.
  let within = walk(value, limit, false)
  if (within === 'budget') within = walk(value, limit, true)
  if (within === true) return
  const path = pathToTooDeep(value, limit)
  throw new JsonDepthError(limit, { path: [...(options.path ?? []), ...path], ...(options.file === undefined ? {} : { file: options.file }) })
}

/**
 * Depth-first walk. Returns true when every container is within the limit, false when one is too deep, and (for the
 * plain walk) 'budget' when it gave up to let the remembering walk take over.
 */
function walk(root: object, limit: number, remember: boolean): boolean | 'budget' {
  const values: object[] = [root]
  const depths: number[] = [1]
  const deepestSeen = remember ? new Map<object, number>() : undefined
  let walked = 0
  while (values.length > 0) {
    const value = values.pop() as object
    const depth = depths.pop() as number
    if (depth > limit) return false
    if (deepestSeen !== undefined) {
      const seen = deepestSeen.get(value)
      if (seen !== undefined && seen >= depth) continue
      deepestSeen.set(value, depth)
    } else if (++walked > PLAIN_WALK_BUDGET) return 'budget'
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i]
        if (typeof item === 'object' && item !== null) {
          values.push(item)
          depths.push(depth + 1)
        }
      }
    } else if (!ArrayBuffer.isView(value)) {
      for (const key of Object.keys(value)) {
        const item = (value as Record<string, unknown>)[key]
        if (typeof item === 'object' && item !== null) {
          values.push(item)
          depths.push(depth + 1)
        }
      }
    }
  }
  return true
}

interface Frame {
  readonly value: object
  readonly depth: number
  readonly parent: Frame | undefined
  readonly key: string | number
}

/** The path of the first container past the limit, in document order (walked again, only when there is one). */
function pathToTooDeep(root: object, limit: number): (string | number)[] {
  const deepestSeen = new Map<object, number>()
  const stack: Frame[] = [{ value: root, depth: 1, parent: undefined, key: '' }]
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    if (frame.depth > limit) return pathOf(frame)
    const seen = deepestSeen.get(frame.value)
    if (seen !== undefined && seen >= frame.depth) continue
    deepestSeen.set(frame.value, frame.depth)
    if (ArrayBuffer.isView(frame.value)) continue
    const isArray = Array.isArray(frame.value)
    const keys = isArray ? [] : Object.keys(frame.value)
    const count = isArray ? (frame.value as unknown[]).length : keys.length
    // Pushed last to first, so the first deep path found is the first in document order:
    for (let i = count - 1; i >= 0; i--) {
      const key = isArray ? i : (keys[i] as string)
      const item = (frame.value as Record<string | number, unknown>)[key]
      if (typeof item === 'object' && item !== null) stack.push({ value: item, depth: frame.depth + 1, parent: frame, key })
    }
  }
  return []
}

function pathOf(frame: Frame): (string | number)[] {
  const path: (string | number)[] = []
  for (let f: Frame | undefined = frame; f?.parent !== undefined; f = f.parent) path.push(f.key)
  return path.reverse()
}
