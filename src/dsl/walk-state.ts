/**
 * @internal The serializer's bookkeeping for one node handle, made with the handle: one object of one shape for
 * every handle (handles of different classes have different shapes, and reading their fields in the walk of a
 * 10,000-node graph costs more than the walk itself), linked to the states of the nodes its links come from, and
 * holding the parts of the node's prompt entry that do not depend on ids.
 * @module
 */
import type { ApiNode } from './prompt.js'
import { OUTPUT_BRAND, type InputValue, type NodeHandle, type Output } from './output.js'

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/** @internal */
export class WalkState {
  /** The walk that last reached this node (0: none). */
  walk = 0
  /** Its place in that walk's order. */
  place = 0
  readonly pinnedId: string | undefined
  readonly classType: string
  readonly title: string | undefined
  /**
   * The node's whole prompt entry when its input record is JSON as it is (no links, only strings, finite numbers,
   * booleans, null): the record itself goes in. Only for prompts stringified at once, never handed out.
   */
  readonly entry: ApiNode | undefined
  /**
   * The inputs as written, in order, when they are all JSON scalars (bigints up to 2^53 as numbers) or links
   * (kept as the {@link Output}, the only objects here); `undefined` otherwise (serialization checks each value).
   */
  readonly names: readonly string[] | undefined
  readonly values: readonly (string | number | boolean | null | Output)[] | undefined

  constructor(
    readonly handle: NodeHandle,
    /** The states of the nodes the links among the inputs come from, in input order; `undefined` when one of those
     * nodes was made by another copy of the package (brands are shared through the symbol registry). */
    readonly dependencies: readonly WalkState[] | undefined,
  ) {
    this.pinnedId = handle.id
    this.classType = handle.classType
    this.title = handle.title
    const inputs = handle.inputs
    const names: string[] = []
    const values: (string | number | boolean | null | Output)[] = []
    let scalarsOnly = true
    for (const name of Object.keys(inputs)) {
      const value = templateValue(inputs[name])
      if (value === SKIP) continue
      if (value === OTHER || name === '__proto__') {
        scalarsOnly = false
        break
      }
      names.push(name)
      values.push(value)
    }
    const jsonAsIs = scalarsOnly && dependencies?.length === 0 && !Object.values(inputs).some((value) => typeof value === 'bigint')
    this.names = scalarsOnly ? names : undefined
    this.values = scalarsOnly ? values : undefined
    this.entry = jsonAsIs ? entryOf(this.classType, inputs as ApiNode['inputs'], this.title) : undefined
  }
}

const SKIP = Symbol('skip')
const OTHER = Symbol('other')

function templateValue(value: InputValue | undefined): string | number | boolean | null | Output | typeof SKIP | typeof OTHER {
  if (value === undefined) return SKIP
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number') return Number.isFinite(value) ? value : OTHER
  if (typeof value === 'bigint') return value >= -MAX_SAFE && value <= MAX_SAFE ? Number(value) : OTHER
  if (typeof value === 'object' && (value as { [OUTPUT_BRAND]?: true })[OUTPUT_BRAND] === true) return value as Output
  return OTHER
}

function entryOf(classType: string, inputs: ApiNode['inputs'], title: string | undefined): ApiNode {
  const node: ApiNode = { class_type: classType, inputs }
  if (title !== undefined) node._meta = { title }
  return node
}
