/**
 * @internal The serializer's bookkeeping for one node handle, made with the handle: one object of one shape for
 * every handle (handles of different classes have different shapes, and reading their fields in the walk of a
 * 10,000-node graph costs more than the walk itself), linked to the states of the nodes its links come from.
 * @module
 */
import { OUTPUT_BRAND, type NodeHandle, type Output } from './output.js'

const NO_DEPENDENCIES: readonly WalkState[] = []

/** @internal */
export class WalkState {
  /** The walk that last reached this node (0: none). */
  walk = 0
  /** Its place in that walk's order. */
  place = 0
  readonly pinnedId: string | undefined
  readonly classType: string
  readonly title: string | undefined
  /** The handle's input record (read here, in one shape, rather than on handles of many shapes). */
  readonly inputs: NodeHandle['inputs']

  /**
   * The states of the nodes the links among the inputs come from, in input order (outputs nested in lists or
   * objects are not dependencies: serialization reports them as errors); `undefined` when one of those nodes was
   * made by another copy of the package (brands are shared through the symbol registry), or for a state made
   * without `stateOf`.
   */
  readonly dependencies: readonly WalkState[] | undefined

  /** `stateOf`: the state of a handle this copy of the package made (the walk states of the links are taken). */
  constructor(
    readonly handle: NodeHandle,
    stateOf: ((handle: NodeHandle) => WalkState | undefined) | undefined,
  ) {
    this.pinnedId = handle.id
    this.classType = handle.classType
    this.title = handle.title
    const inputs = handle.inputs
    this.inputs = inputs
    let dependencies: WalkState[] | undefined
    let known = stateOf !== undefined
    if (stateOf !== undefined) {
      const values = Object.values(inputs)
      for (let i = 0; i < values.length; i++) {
        const value = values[i]
        if (typeof value !== 'object' || value === null || (value as { [OUTPUT_BRAND]?: true })[OUTPUT_BRAND] !== true) continue
        const state = stateOf((value as Output).node)
        if (state === undefined) {
          known = false
          break
        }
        ;(dependencies ??= []).push(state)
      }
    }
    this.dependencies = known ? (dependencies ?? NO_DEPENDENCIES) : undefined
  }
}
