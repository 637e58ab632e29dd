/**
 * @internal The walked nodes with every subgraph instance replaced by its inner nodes, in the order and with the
 * ids `expandSubgraphs` gives them (`<instance>:<inner>`), for promptText to write without building the prompt
 * first. The inner nodes are the definitions' own states, shared by every call; their links are followed through
 * the calls when written: to the inner node that produces an instance's output, or to what a call passed.
 * @module
 */
import { keyOrder } from './key-order.js'
import { walkStateOf } from './node.js'
import { isOutput, type InputValue, type NodeHandle, type Output } from './output.js'
import { numberSubgraphs, subgraphOf, type SubgraphDefinition } from './subgraph.js'
import { WalkState } from './walk-state.js'

/** A literal a call passed for a parameter; errors in it name the instance and the parameter. */
export interface PassedValue {
  readonly value: InputValue
  readonly nodeId: string
  readonly name: string
}

/** Where a link leads once expanded: an output of a node, a literal a call passed, or nothing (the call left it out). */
export type LinkEnd = { readonly id: string; readonly slot: number } | PassedValue | undefined

export interface ExpandedNodes {
  readonly states: readonly WalkState[]
  readonly ids: readonly string[]
  /** Where the link `output`, an input of the node at `place`, leads. */
  linkEnd(place: number, output: Output): LinkEnd
}

// One call of a subgraph: the instance's id and inputs, and the call it is in (undefined: the graph itself).
interface Call {
  readonly id: string
  readonly definition: SubgraphDefinition
  readonly args: NodeHandle['inputs']
  readonly outer: Call | undefined
}

/**
 * The nodes of `states` (`ids` by place, `placeOf` a handle's place) with the instances expanded. `checkArgument`
 * sees what the graph's own instances were passed, which the prompt object serializes (and rejects) even where
 * the subgraph does not use it.
 */
export function expandNodes(
  states: readonly WalkState[],
  ids: readonly string[],
  placeOf: (handle: NodeHandle) => number,
  checkArgument: (value: InputValue, nodeId: string, name: string) => void,
): ExpandedNodes {
  const order = keyOrder(ids)
  const numbered = numberSubgraphs(
    order.map((i) => ids[i] as string),
    order.map((i) => (states[i] as WalkState).handle),
  )
  // The inner nodes' numbers by handle (a handle the body took from outside it has one in each definition):
  const numberOf = new Map<SubgraphDefinition, Map<NodeHandle, string>>()
  for (const [definition, local] of numbered) {
    numberOf.set(definition, new Map([...local].map(([id, number]) => [definition.handles.get(id) as NodeHandle, number])))
  }
  const expanded: WalkState[] = []
  const expandedIds: string[] = []
  const calls: (Call | undefined)[] = []
  const add = (state: WalkState, id: string, call: Call | undefined): void => {
    const definition = subgraphOf(state.handle)
    if (definition === undefined) {
      expanded.push(state)
      expandedIds.push(id)
      calls.push(call)
      return
    }
    const args = state.inputs
    // (the arguments of nested instances were checked when their definition was traced)
    if (call === undefined) {
      for (const name of Object.keys(args)) {
        const value = args[name]
        if (value !== undefined && !isOutput(value)) checkArgument(value, id, name)
      }
    }
    const inner: Call = { id, definition, args, outer: call }
    const numbers = numbered.get(definition) as Map<string, string>
    for (const local of Object.keys(definition.inner)) {
      const handle = definition.handles.get(local) as NodeHandle
      add(walkStateOf(handle) ?? new WalkState(handle, undefined), `${id}:${numbers.get(local) as string}`, inner)
    }
  }
  for (const i of order) add(states[i] as WalkState, ids[i] as string, undefined)

  const linkEnd = (place: number, output: Output): LinkEnd => {
    let call = calls[place]
    let { node, slot } = output
    for (;;) {
      if (call !== undefined && node === placeholderOf(call.definition)) {
        // A parameter: what the call was passed, a link followed in the graph around the call:
        const name = call.definition.inputNames[slot] as string
        const arg = call.args[name]
        if (!isOutput(arg)) return arg === undefined ? undefined : { value: arg, nodeId: call.id, name }
        ;({ node, slot } = arg)
        call = call.outer
        continue
      }
      const id = call === undefined ? (ids[placeOf(node)] as string) : `${call.id}:${numberOf.get(call.definition)?.get(node) as string}`
      const definition = subgraphOf(node)
      if (definition === undefined) return { id, slot }
      // An output of an instance: the inner output it returns, in that call:
      const [source, sourceSlot] = definition.outputs[slot]?.source as readonly [string, number]
      call = { id, definition, args: node.inputs, outer: call }
      node = definition.handles.get(source) as NodeHandle
      slot = sourceSlot
    }
  }
  return { states: expanded, ids: expandedIds, linkEnd }
}

function placeholderOf(definition: SubgraphDefinition): NodeHandle | undefined {
  return definition.placeholderId === undefined ? undefined : definition.handles.get(definition.placeholderId)
}
