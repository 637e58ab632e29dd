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

interface Frame {
  readonly value: object
  readonly depth: number
  readonly parent: Frame | undefined
  readonly key: string | number
}

/**
 * Throws {@link JsonDepthError} naming the path of the first object or array nested deeper than the limit.
 * Linear in the size of a tree; a value shared by several parents is walked again only when reached deeper, and a
 * cycle counts as too deep (recursive code would never end on it).
 */
export function assertJsonDepth(value: unknown, options: DepthOptions = {}): void {
  if (typeof value !== 'object' || value === null) return
  const limit = options.limit ?? MAX_JSON_DEPTH
  const deepestSeen = new Map<object, number>()
  const stack: Frame[] = [{ value, depth: 1, parent: undefined, key: '' }]
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    if (frame.depth > limit) {
      throw new JsonDepthError(limit, { path: [...(options.path ?? []), ...pathOf(frame)], ...(options.file === undefined ? {} : { file: options.file }) })
    }
    const seen = deepestSeen.get(frame.value)
    if (seen !== undefined && seen >= frame.depth) continue
    deepestSeen.set(frame.value, frame.depth)
    if (ArrayBuffer.isView(frame.value)) continue
    if (Array.isArray(frame.value)) {
      const items = frame.value as unknown[]
      // Pushed last to first, so the first deep path found is the first in document order:
      for (let i = items.length - 1; i >= 0; i--) {
        const item = items[i]
        if (typeof item === 'object' && item !== null) stack.push({ value: item, depth: frame.depth + 1, parent: frame, key: i })
      }
      continue
    }
    const keys = Object.keys(frame.value)
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string
      const item = (frame.value as Record<string, unknown>)[key]
      if (typeof item === 'object' && item !== null) stack.push({ value: item, depth: frame.depth + 1, parent: frame, key })
    }
  }
}

function pathOf(frame: Frame): (string | number)[] {
  const path: (string | number)[] = []
  for (let f: Frame | undefined = frame; f?.parent !== undefined; f = f.parent) path.push(f.key)
  return path.reverse()
}
