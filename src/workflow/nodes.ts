/**
 * One API node as the editor saves it: its sockets (link inputs in definition order, then the widget inputs that
 * are linked), its outputs, and its widget values in the editor's order, by the widget rules of
 * `convert/editor-widgets.ts` (the same rules the UI → API converter reads them back with).
 * @module
 */
import { CONTROL_VALUES, editorWidgets, toWidgetsValues, type EditorWidget } from '../convert/editor-widgets.js'
import type { InputDef, NodeDef } from '../defs/model.js'
import type { ApiNode } from '../dsl/prompt.js'
import type { WorkflowWarning } from './types.js'

/** A socket to write: `link` is the API link feeding it, if any. */
export interface PlannedInput {
  readonly name: string
  readonly type: string
  readonly widget?: string
  readonly link?: readonly [string, number]
}

export interface PlannedNode {
  readonly id: string
  readonly type: string
  readonly title: string | undefined
  readonly inputs: readonly PlannedInput[]
  readonly outputs: readonly { readonly name: string; readonly type: string }[]
  readonly widgetsValues: unknown[]
  /** Widgets the editor draws, for the size estimate. */
  readonly widgets: readonly EditorWidget[]
  /** Default: `{"Node name for S&R": type}`. */
  readonly properties?: Record<string, unknown>
}

export interface PlanOptions {
  /** Value of every `control_after_generate` widget (default `fixed`: the file queues the seed it holds). */
  readonly controlAfterGenerate?: string
  /** Output slots that are linked, for classes the definitions lack (they get that many `*` outputs). */
  readonly usedSlots?: number
  /** Values the widgets of linked inputs hold (a subgraph's promoted widgets), by input name. */
  readonly linkedValues?: Readonly<Record<string, unknown>>
}

/** Plans the editor node for API node `id`; what the UI cannot carry is reported to `warn`. */
export function planNode(id: string, node: ApiNode, def: NodeDef | undefined, options: PlanOptions, warn: (w: WorkflowWarning) => void): PlannedNode {
  const title = node._meta?.title === undefined || node._meta.title === def?.displayName ? undefined : node._meta.title
  const links = new Map<string, readonly [string, number]>()
  const literals: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(node.inputs)) {
    if (isLink(value)) links.set(name, [String(value[0]), value[1]])
    else literals[name] = unwrap(value)
  }
  if (def === undefined) {
    warn({ code: 'unknown_class', nodeId: id, message: `node ${id}: class "${node.class_type}" is not in the definitions; its widgets are written by name` })
    return planUnknown(id, node.class_type, title, links, literals, options.usedSlots ?? 0)
  }
  const control = options.controlAfterGenerate ?? 'fixed'
  if (!CONTROL_VALUES.has(control)) throw new RangeError(`controlAfterGenerate: expected one of ${[...CONTROL_VALUES].join(', ')}, received "${control}"`)
  const values = { ...options.linkedValues, ...literals, control_after_generate: control }
  const widgets = editorWidgets(def, values)
  const widgetNames = new Set(widgets.filter((w) => w.kind === 'input').map((w) => w.name))
  const inputs: PlannedInput[] = []
  const socketNames = new Set<string>()
  for (const input of def.inputs) {
    if (widgetNames.has(input.name) || !isSocket(input, links)) continue
    inputs.push(withLink({ name: input.name, type: input.type }, links.get(input.name)))
    socketNames.add(input.name)
  }
  for (const widget of widgets) {
    const link = links.get(widget.name)
    if (widget.kind !== 'input' || link === undefined) continue
    inputs.push({ name: widget.name, type: socketType(widget.input), widget: widget.name, link })
    socketNames.add(widget.name)
  }
  // Links to inputs the definition lacks (dynamic inputs, a newer server's) keep a socket of their own:
  for (const [name, link] of links) if (!socketNames.has(name)) inputs.push({ name, type: '*', link })
  for (const name of Object.keys(literals)) {
    if (!widgetNames.has(name)) {
      warn({ code: 'input_dropped', nodeId: id, message: `node ${id} (${node.class_type}): input "${name}" holds a value but the editor has no widget for it; left out` })
    }
  }
  return {
    id,
    type: node.class_type,
    title,
    inputs,
    outputs: def.outputs.map((o) => ({ name: o.name, type: o.type })),
    widgetsValues: toWidgetsValues(def, values).map((v) => (v === undefined ? null : v)),
    widgets: widgets.filter((w) => w.persisted || w.kind === 'extension'),
  }
}

// A class the definitions lack: links as plain sockets, values as widget sockets named after their input (the
// converter names such values from these sockets), a control value after a seed so its reader skips it.
function planUnknown(
  id: string,
  type: string,
  title: string | undefined,
  links: ReadonlyMap<string, readonly [string, number]>,
  literals: Readonly<Record<string, unknown>>,
  usedSlots: number,
): PlannedNode {
  const inputs: PlannedInput[] = [...links].map(([name, link]) => ({ name, type: '*', link }))
  const widgetsValues: unknown[] = []
  for (const [name, value] of Object.entries(literals)) {
    inputs.push({ name, type: literalType(value), widget: name })
    widgetsValues.push(value)
    if (name === 'seed' || name === 'noise_seed') widgetsValues.push('fixed')
  }
  const outputs = Array.from({ length: usedSlots }, (_, k) => ({ name: `output ${k}`, type: '*' }))
  return { id, type, title, inputs, outputs, widgetsValues, widgets: [] }
}

function isSocket(input: InputDef, links: ReadonlyMap<string, unknown>): boolean {
  if (links.has(input.name)) return true
  return input.kind === 'LINK' || input.kind === 'MATCHTYPE' || ((input.kind === 'INT' || input.kind === 'FLOAT' || input.kind === 'STRING' || input.kind === 'BOOLEAN' || input.kind === 'COMBO') && input.forceInput)
}

export function socketType(input: InputDef | undefined): string {
  if (input === undefined) return '*'
  return input.kind === 'COMBO' ? 'COMBO' : input.type
}

function withLink(input: PlannedInput, link: readonly [string, number] | undefined): PlannedInput {
  return link === undefined ? input : { ...input, link }
}

function literalType(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? 'INT' : 'FLOAT'
  if (typeof value === 'bigint') return 'INT'
  if (typeof value === 'boolean') return 'BOOLEAN'
  if (typeof value === 'string') return 'STRING'
  return '*'
}

/** An API link: `[node id, output slot]`. */
export function isLink(value: unknown): value is [string | number, number] {
  return Array.isArray(value) && value.length === 2 && (typeof value[0] === 'string' || typeof value[0] === 'number') && Number.isInteger(value[1])
}

// Lists travel as `{"__value__": [...]}` in API JSON; a widget holds the list itself:
function unwrap(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && Array.isArray((value as { __value__?: unknown }).__value__)) {
    return (value as { __value__: unknown[] }).__value__
  }
  return value
}
