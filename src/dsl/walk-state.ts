/**
 * @internal The serializer's bookkeeping for one node handle, made with the handle: one object of one shape for
 * every handle (handles of different classes have different shapes, and reading their fields in the walk of a
 * 10,000-node graph costs more than the walk itself), linked to the states of the nodes its links come from, and
 * holding what of the node's prompt entry does not depend on ids.
 * @module
 */
import type { ApiNode } from './prompt.js'
import type { NodeHandle } from './output.js'

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
  /** The handle's input record (read here, in one shape, rather than on handles of many shapes). */
  readonly inputs: NodeHandle['inputs']

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
    this.inputs = inputs
    this.entry = dependencies?.length === 0 && isJsonAsIs(inputs) ? entryOf(this.classType, inputs as ApiNode['inputs'], this.title) : undefined
  }
}

// No links, only values JSON.stringify writes as serialization would (undefined: left out by both):
function isJsonAsIs(inputs: NodeHandle['inputs']): boolean {
  const values = Object.values(inputs)
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (!(value === undefined || value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))) return false
  }
  return true
}


function entryOf(classType: string, inputs: ApiNode['inputs'], title: string | undefined): ApiNode {
  const node: ApiNode = { class_type: classType, inputs }
  if (title !== undefined) node._meta = { title }
  return node
}
