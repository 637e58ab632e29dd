/**
 * DSL graph → UI workflow: the prompt `toPrompt` builds (same ids), written as the editor saves it.
 * @module
 */
import type { DefSet } from '../defs/model.js'
import { isNodeHandle, isOutput, type NodeHandle } from '../dsl/output.js'
import { buildUnexpandedPrompt, type PromptRoot } from '../dsl/prompt.js'
import { describeValue, InvalidArgumentError } from '../errors.js'
import { levelsToWorkflow, type ApiToWorkflowOptions } from './from-api.js'
import { subgraphHooks } from './subgraphs.js'
import type { Workflow } from './types.js'

/** A group of DSL nodes, framed as one editor group around where they are laid out. */
export interface Group {
  readonly title: string
  readonly nodes: readonly NodeHandle[]
  readonly color?: string
}

/**
 * Groups nodes under a title: `group('Sampling', [sampler, decode])`. Pass groups to {@link toWorkflow}; nodes
 * (or outputs, whose node is taken) must be in the graph.
 */
export function group(title: string, nodes: readonly (NodeHandle | { readonly node: NodeHandle })[], options: { readonly color?: string } = {}): Group {
  if (typeof title !== 'string') throw new InvalidArgumentError(`group(): the title must be a string, received ${describeValue(title)}`)
  const handles = nodes.map((n, i) => {
    const handle = isOutput(n) ? n.node : n
    if (!isNodeHandle(handle)) throw new InvalidArgumentError(`group("${title}"): item ${i} is not a node or an output (${describeValue(n)})`)
    return handle
  })
  return options.color === undefined ? { title, nodes: handles } : { title, nodes: handles, color: options.color }
}

export interface ToWorkflowOptions extends Omit<ApiToWorkflowOptions, 'groups'> {
  readonly groups?: readonly Group[]
}

/**
 * The UI workflow of the graph the outputs reach: the editor opens it laid out left to right, and queueing it sends
 * the prompt `toPrompt(...outputs)` gives (same node ids, titles and values). Subgraphs (`defineSubgraph`) are
 * written once in `definitions.subgraphs`, each call an instance node.
 *
 * ```ts
 * const workflow = toWorkflow([save], defs, { groups: [group('Sampling', [sampler, decode])] })
 * ```
 */
export function toWorkflow(outputs: readonly PromptRoot[], defs: DefSet, options: ToWorkflowOptions = {}): Workflow {
  if (!Array.isArray(outputs)) throw new InvalidArgumentError(`toWorkflow(): expected a list of output nodes, received ${describeValue(outputs)}`)
  const { prompt, ids } = buildUnexpandedPrompt(outputs)
  const groups = (options.groups ?? []).map((g) => ({
    title: g.title,
    ...(g.color === undefined ? {} : { color: g.color }),
    nodes: g.nodes.map((handle) => {
      const id = ids.get(handle)
      if (id === undefined) throw new InvalidArgumentError(`group "${g.title}": a ${handle.classType} node is not reached from the outputs`)
      return id
    }),
  }))
  const handles = new Map([...ids].map(([handle, id]) => [id, handle]))
  const withGroups = { ...options, groups }
  return levelsToWorkflow(prompt, defs, withGroups, subgraphHooks(prompt, handles, defs, withGroups))
}
