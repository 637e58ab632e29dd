/**
 * Subgraph instances and definitions in the UI workflow, as the editor saves them: each definition once in
 * `definitions.subgraphs` (inner nodes with the ids `toPrompt` expands them with, links to the boundary nodes -10 and
 * -20, its inputs and outputs), each call an instance node whose sockets are the definition's inputs; a parameter
 * given a literal is a promoted widget (`proxyWidgets`), whose value the inner widget holds.
 * @module
 */
import type { EditorWidget } from '../convert/editor-widgets.js'
import type { DefSet } from '../defs/model.js'
import type { NodeHandle } from '../dsl/output.js'
import type { ApiPrompt, ApiValue } from '../dsl/prompt.js'
import { numberSubgraphs, subgraphOf, uuidFrom, type SubgraphDefinition, type SubgraphIds } from '../dsl/subgraph.js'
import { InvalidArgumentError } from '../errors.js'
import { stringifyJson } from '../json/lossless.js'
import { layOutLevel, writeNodes, type ApiToWorkflowOptions, type LevelHooks, type LinkRecord } from './from-api.js'
import { isLink, socketType, type PlannedInput, type PlannedNode } from './nodes.js'
import type { SubgraphDefinition as DefinitionJson, SubgraphSlot } from './types.js'

/** Hooks that plan the instance nodes of `prompt` (ids to handles in `handles`) and write their definitions. */
export function subgraphHooks(prompt: ApiPrompt, handles: ReadonlyMap<string, NodeHandle>, defs: DefSet, options: ApiToWorkflowOptions): LevelHooks | undefined {
  const keys = Object.keys(prompt)
  const numbered = numberSubgraphs(keys, keys.map((id) => handles.get(id)))
  if (numbered.size === 0) return undefined
  const writer = new DefinitionWriter(numbered, defs, options)
  // Every call of a definition, wherever it is, with the arguments it passed (for the promoted widgets' values):
  const visit = (level: ApiPrompt, levelHandles: ReadonlyMap<string, NodeHandle>): void => {
    for (const [id, node] of Object.entries(level)) {
      const definition = subgraphOf(levelHandles.get(id) as NodeHandle)
      if (definition === undefined) continue
      writer.call(definition, node.inputs, id)
      if (!writer.seen(definition)) visit(definition.inner, definition.handles)
    }
  }
  visit(prompt, handles)
  return {
    plan: (id) => {
      const definition = subgraphOf(handles.get(id) as NodeHandle)
      return definition === undefined ? undefined : writer.instance(id, definition, prompt[id]?.inputs ?? {})
    },
    definitions: () => [...numbered.keys()].map((definition) => writer.definition(definition)),
  }
}

class DefinitionWriter {
  readonly #literals = new Map<SubgraphDefinition, Map<number, { value: unknown; text: string; where: string }>>()
  readonly #visited = new Set<SubgraphDefinition>()

  constructor(
    readonly numbered: SubgraphIds,
    readonly defs: DefSet,
    readonly options: ApiToWorkflowOptions,
  ) {}

  seen(definition: SubgraphDefinition): boolean {
    if (this.#visited.has(definition)) return true
    this.#visited.add(definition)
    return false
  }

  /** Records a call; a promoted widget must get the same literal from every call (the editor shares its value). */
  call(definition: SubgraphDefinition, inputs: Readonly<Record<string, ApiValue>>, where: string): void {
    let literals = this.#literals.get(definition)
    if (literals === undefined) this.#literals.set(definition, (literals = new Map()))
    definition.inputNames.forEach((name, k) => {
      const value = inputs[name]
      if (value === undefined || isLink(value)) return
      const text = stringifyJson(value)
      const earlier = literals.get(k)
      if (earlier !== undefined && earlier.text !== text) {
        throw new InvalidArgumentError(
          `subgraph "${definition.name}": parameter "${name}" is ${earlier.text} in the call that is node ${earlier.where} and ${text} in node ${where}; ` +
            'the editor shares a promoted widget among all instances, so every call must pass the same value (or pass it as an output)',
        )
      }
      literals.set(k, { value: unwrap(value), text, where })
    })
  }

  instance(id: string, definition: SubgraphDefinition, inputs: Readonly<Record<string, ApiValue>>): PlannedNode {
    const plannedInputs: PlannedInput[] = []
    const proxyWidgets: [string, string][] = []
    const promoted: EditorWidget[] = []
    definition.inputNames.forEach((name, k) => {
      const target = this.firstTarget(definition, k)
      const value = inputs[name]
      const input: { name: string; type: string; widget?: string; link?: readonly [string, number] } = { name, type: target?.type ?? '*' }
      if (target?.widget === true) {
        input.widget = name
        proxyWidgets.push([this.innerId(definition, target.node), target.input])
        promoted.push({ name, kind: 'input', persisted: true, sent: true, default: undefined, depth: 0 })
      }
      if (isLink(value)) input.link = [String(value[0]), value[1]]
      plannedInputs.push(input)
    })
    return {
      id,
      type: definition.id,
      title: undefined,
      inputs: plannedInputs,
      outputs: definition.outputs.map((o) => ({ name: o.name, type: o.type })),
      widgetsValues: [],
      // The promoted widgets take a row each on the instance (for its size):
      widgets: promoted,
      properties: proxyWidgets.length > 0 ? { proxyWidgets } : {},
    }
  }

  definition(definition: SubgraphDefinition): DefinitionJson {
    const ids = this.numbered.get(definition) as Map<string, string>
    const local = (id: string): string => (id === definition.placeholderId ? id : (ids.get(id) as string))
    // The inner prompt under the ids the editor will run it with:
    const inner: ApiPrompt = {}
    const handles = new Map<string, NodeHandle>()
    for (const [id, node] of Object.entries(definition.inner)) {
      const inputs: Record<string, ApiValue> = {}
      for (const [name, value] of Object.entries(node.inputs)) inputs[name] = isLink(value) ? [local(String(value[0])), value[1]] : value
      inner[local(id)] = { ...node, inputs }
      handles.set(local(id), definition.handles.get(id) as NodeHandle)
    }
    // A promoted widget shows the value the calls passed:
    const linkedValues = new Map<string, Record<string, unknown>>()
    for (const [k, { value }] of this.#literals.get(definition) ?? []) {
      for (const [id, node] of Object.entries(inner)) {
        for (const [name, v] of Object.entries(node.inputs)) {
          if (isLink(v) && v[0] === definition.placeholderId && v[1] === k) linkedValues.set(id, { ...linkedValues.get(id), [name]: value })
        }
      }
    }
    const hooks = subgraphHooksInner(inner, handles, this)
    const level = layOutLevel(inner, this.defs, { ...this.options, linkedValues }, hooks, [], definition.placeholderId)
    const inputs: SubgraphSlot[] = definition.inputNames.map((name, k) => ({ id: uuidFrom(`${definition.id}/in/${k}`), name, type: this.firstTarget(definition, k)?.type ?? '*', linkIds: [], pos: [0, 0] }))
    const outputs: SubgraphSlot[] = definition.outputs.map((o, k) => ({ id: uuidFrom(`${definition.id}/out/${k}`), name: o.name, type: o.type, linkIds: [], pos: [0, 0] }))
    const placeholder = definition.placeholderId ?? '\u0000none'
    const { nodes, links } = writeNodes(level.planned, level.positions, level.sizes, {
      placeholder,
      onInputLink: (slot, link) => inputs[slot]?.linkIds.push(link.id),
    })
    // Links into the output boundary node (-20), from an inner node or straight from an input:
    definition.outputs.forEach((o, k) => {
      const [source, slot] = o.source
      const id = links.length + 1
      const origin = source === definition.placeholderId ? undefined : nodes.find((n) => String(n.id) === ids.get(source))
      const record: LinkRecord = { id, origin: origin?.id ?? -10, originSlot: slot, target: -20, targetSlot: k, type: o.type }
      if (origin === undefined) inputs[slot]?.linkIds.push(id)
      else {
        const output = origin.outputs[slot]
        if (output !== undefined) (output.links ??= []).push(id)
      }
      links.push(record)
      outputs[k]?.linkIds.push(id)
    })
    // Boundary nodes left and right of the laid-out inside, slots 20 px apart as the editor draws them:
    const left = Math.min(0, ...nodes.map((n) => n.pos[0])) - 200
    const right = Math.max(0, ...nodes.map((n) => n.pos[0] + n.size[0])) + 80
    const top = Math.min(0, ...nodes.map((n) => n.pos[1]))
    inputs.forEach((slot, k) => (slot.pos = [left + 100, top + 20 + 20 * k]))
    outputs.forEach((slot, k) => (slot.pos = [right + 20, top + 20 + 20 * k]))
    return {
      id: definition.id,
      version: 1,
      state: { lastGroupId: 0, lastNodeId: Math.max(0, ...nodes.map((n) => Number(n.id))), lastLinkId: links.length, lastRerouteId: 0 },
      revision: 0,
      config: {},
      name: definition.name,
      inputNode: { id: -10, bounding: [left, top, 120, 20 + 20 * Math.max(1, inputs.length)] },
      outputNode: { id: -20, bounding: [right, top, 120, 20 + 20 * Math.max(1, outputs.length)] },
      inputs,
      outputs,
      widgets: [],
      nodes,
      groups: [],
      links: links.map((l) => ({ id: l.id, origin_id: l.origin as number, origin_slot: l.originSlot, target_id: l.target as number, target_slot: l.targetSlot, type: l.type })),
      extra: {},
    }
  }

  innerId(definition: SubgraphDefinition, local: string): string {
    return (this.numbered.get(definition) as Map<string, string>).get(local) as string
  }

  /** The first inner input parameter `k` feeds: its node (local id), name, socket type, and whether it is a widget. */
  firstTarget(definition: SubgraphDefinition, k: number): { node: string; input: string; type: string; widget: boolean } | undefined {
    for (const [id, node] of Object.entries(definition.inner)) {
      for (const [name, value] of Object.entries(node.inputs)) {
        if (!isLink(value) || value[0] !== definition.placeholderId || value[1] !== k) continue
        const handle = definition.handles.get(id) as NodeHandle
        const nested = subgraphOf(handle)
        if (nested !== undefined) {
          const at = nested.inputNames.indexOf(name)
          const deeper = at === -1 ? undefined : this.firstTarget(nested, at)
          return { node: id, input: name, type: deeper?.type ?? '*', widget: deeper?.widget ?? false }
        }
        const input = this.defs.classes.get(node.class_type)?.inputs.find((i) => i.name === name)
        const widget = input !== undefined && input.kind !== 'LINK' && !input.forceInput && input.kind !== 'MATCHTYPE' && input.kind !== 'AUTOGROW' && input.kind !== 'DYNAMIC_SLOT'
        return { node: id, input: name, type: socketType(input), widget }
      }
    }
    return undefined
  }
}

// Instances inside a definition are planned by the same writer:
function subgraphHooksInner(inner: ApiPrompt, handles: ReadonlyMap<string, NodeHandle>, writer: DefinitionWriter): Pick<LevelHooks, 'plan'> {
  return {
    plan: (id) => {
      const definition = subgraphOf(handles.get(id) as NodeHandle)
      return definition === undefined ? undefined : writer.instance(id, definition, inner[id]?.inputs ?? {})
    },
  }
}

function unwrap(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Array.isArray((value as { __value__?: unknown }).__value__)) {
    return (value as { __value__: unknown[] }).__value__
  }
  return value
}
