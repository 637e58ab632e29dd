/**
 * UI (litegraph) workflow to API prompt, following the editor's `graphToPrompt`: every executable node that is
 * neither muted nor bypassed, with its widget values by name (lists wrapped as `{"__value__": [...]}`), then its
 * resolved links; links to nodes that are not in the prompt are dropped.
 * @module
 */
import type { DefSet, InputDef, NodeDef } from '../defs/model.js'
import { hasWidget } from '../defs/normalize.js'
import type { ApiNode, ApiPrompt, ApiValue } from '../dsl/prompt.js'
import { resolveDynamicPrompt } from './dynamic-prompts.js'
import { ExecGraph, type ExecNode } from './exec-graph.js'
import { MODE } from './ui-graph.js'
import { readUiWorkflow } from './ui-read.js'
import type { ConversionWarning, WarningSink } from './warnings.js'
import { mapUnknownWidgets, mapWidgetValues, widgetDefault, type NamedWidget } from './widgets.js'

/** Classes that exist only in the editor and never reach the server. */
export const DEFAULT_VIRTUAL_TYPES: readonly string[] = [
  'Note',
  'MarkdownNote',
  'PrimitiveNode',
  'Reroute',
  'GetNode',
  'SetNode',
  'Reroute (rgthree)',
  'Fast Groups Bypasser (rgthree)',
  'Fast Groups Muter (rgthree)',
  'Fast Bypasser (rgthree)',
  'Fast Muter (rgthree)',
  'Bookmark (rgthree)',
  'Label (rgthree)',
  'Note Plus (mtb)',
]

// Keys of dict-shaped widget values that hold UI state, not inputs (VideoHelperSuite previews, editor widgets):
const UI_ONLY_WIDGET_KEYS = new Set(['videopreview', 'preview', 'control_after_generate', 'upload'])

export interface UiToApiOptions {
  /** Names the document in errors and warnings. */
  readonly file?: string
  /** More classes that exist only in the editor (added to {@link DEFAULT_VIRTUAL_TYPES}). */
  readonly virtualTypes?: Iterable<string>
  /**
   * Text widgets with `dynamicPrompts` (CLIPTextEncode's `text`...): `resolve` removes comments and picks one option
   * of each `{a|b}` group as the editor does when queueing (default); `keep` writes the text unchanged.
   */
  readonly dynamicPrompts?: 'resolve' | 'keep'
  /** Random source for `{a|b}` groups, `[0, 1)` like `Math.random` (the default). */
  readonly random?: () => number
}

export interface UiToApiResult {
  readonly prompt: ApiPrompt
  readonly warnings: readonly ConversionWarning[]
}

/**
 * Converts a parsed UI workflow to an API prompt using `defs` to name widget values.
 * Throws {@link WorkflowFormatError} (with file and JSON path) when the document is not a UI workflow this version
 * can read, or when its links loop; everything the editor would tolerate is converted, with warnings.
 */
export function uiToApi(workflow: unknown, defs: DefSet, options: UiToApiOptions = {}): UiToApiResult {
  const file = options.file
  const ui = readUiWorkflow(workflow, file === undefined ? {} : { file })
  const warnings: ConversionWarning[] = []
  const warn: WarningSink = (w) => warnings.push(w)
  const virtual = new Set([...DEFAULT_VIRTUAL_TYPES, ...(options.virtualTypes ?? [])])
  const graph = new ExecGraph(ui, { defs, isVirtual: (t) => virtual.has(t), warn, file })
  const emitter = new NodeEmitter(graph, defs, options, warn)
  const prompt: ApiPrompt = {}
  for (const exec of graph.nodes.values()) {
    if (exec.kind !== 'node' || exec.node.mode === MODE.never || exec.node.mode === MODE.bypass) continue
    prompt[exec.id] = emitter.emit(exec)
  }
  // As the editor does: an input linked to a node that is not in the prompt (muted, missing) is removed.
  for (const node of Object.values(prompt)) {
    for (const [name, value] of Object.entries(node.inputs)) {
      if (Array.isArray(value) && value.length === 2 && prompt[value[0] as string] === undefined) delete node.inputs[name]
    }
  }
  return { prompt, warnings }
}

class NodeEmitter {
  readonly random: () => number

  constructor(
    readonly graph: ExecGraph,
    readonly defs: DefSet,
    readonly options: UiToApiOptions,
    readonly warn: WarningSink,
  ) {
    this.random = options.random ?? Math.random
  }

  emit(exec: ExecNode): ApiNode {
    const { node } = exec
    const def = this.defs.classes.get(node.type)
    if (def === undefined) {
      this.warn({ code: 'unknown_class', message: `class "${node.type}" is not in the node definitions`, path: [...node.path, 'type'], nodeId: exec.id })
    }
    const inputs: Record<string, ApiValue> = {}
    for (const widget of this.widgets(exec, def)) inputs[widget.name] = this.widgetValue(exec, widget)
    const defInputs = new Map(def?.inputs.map((input) => [input.name, input]))
    node.inputs.forEach((input, slot) => {
      const resolved = this.graph.resolveInput(exec, slot)
      if (resolved === undefined) return
      if (resolved.kind === 'link') {
        inputs[input.name] = [resolved.originId, resolved.slot]
        return
      }
      const target = defInputs.get(input.widget ?? input.name)
      const value = resolved.fromPrimitive ? this.dynamicPrompt(exec, target, resolved.value) : resolved.value
      inputs[input.name] = wrap(value)
    })
    return { inputs, class_type: node.type, _meta: { title: node.title ?? def?.displayName ?? node.type } }
  }

  private widgets(exec: ExecNode, def: NodeDef | undefined): readonly NamedWidget[] {
    const { node } = exec
    if (node.namedWidgets !== undefined) {
      const byName = new Map(def?.inputs.map((input) => [input.name, input]))
      return node.namedWidgets.map(([name, value]) => ({ name, value, ...inputField(byName.get(name)) }))
    }
    if (node.widgetsValuesNamed !== undefined) return this.dictWidgets(node.widgetsValuesNamed, def)
    const values = node.widgetsValues
    if (values === undefined) return []
    if (!Array.isArray(values)) return this.dictWidgets(values as Readonly<Record<string, unknown>>, def)
    if (def === undefined) {
      const names = node.inputs.flatMap((input) => (input.widget === undefined ? [] : [input.widget]))
      const mapped = mapUnknownWidgets(names, values)
      if (mapped === undefined) {
        this.warn({
          code: 'widgets_unmapped',
          message: `the ${values.length} widget value(s) of unknown class "${node.type}" cannot be named; they are left out`,
          path: [...node.path, 'widgets_values'],
          nodeId: exec.id,
        })
        return []
      }
      return mapped
    }
    const mapping = mapWidgetValues(def, values)
    if (mapping.layout !== 'current') {
      this.warn({
        code: 'widget_layout_legacy',
        message: `widget values of ${node.type} follow an older editor's layout (${mapping.layout})`,
        path: [...node.path, 'widgets_values'],
        nodeId: exec.id,
      })
    }
    const widgets = [...mapping.widgets]
    for (const input of mapping.missing) {
      const fallback = widgetDefault(input)
      if (fallback === undefined) {
        this.warn({
          code: 'widget_value_missing',
          message: `no value for widget "${input.name}" and the definition has no default; the input is left out`,
          path: [...node.path, 'widgets_values'],
          nodeId: exec.id,
        })
        continue
      }
      this.warn({
        code: 'widget_default_used',
        message: `no value for widget "${input.name}"; the definition's default ${JSON.stringify(fallback.value)} is used`,
        path: [...node.path, 'widgets_values'],
        nodeId: exec.id,
      })
      widgets.push({ name: input.name, value: fallback.value, input })
    }
    return widgets
  }

  // Values by name: for a known class, the names of its widget inputs (and the dotted sub-widgets of its
  // DynamicCombos); for an unknown one, every name but the editor's own UI widgets.
  private dictWidgets(values: Readonly<Record<string, unknown>>, def: NodeDef | undefined): NamedWidget[] {
    const byName = new Map(def?.inputs.map((input) => [input.name, input]))
    const known = (name: string): boolean => {
      const input = byName.get(name)
      if (input !== undefined) return hasWidget(input)
      const dot = name.indexOf('.')
      return dot > 0 && byName.get(name.slice(0, dot))?.kind === 'DYNAMIC_COMBO'
    }
    return Object.entries(values)
      .filter(([name]) => (def === undefined ? !UI_ONLY_WIDGET_KEYS.has(name) : known(name)))
      .map(([name, value]) => ({ name, value, ...inputField(byName.get(name)) }))
  }

  private widgetValue(exec: ExecNode, widget: NamedWidget): ApiValue {
    return wrap(this.dynamicPrompt(exec, widget.input, widget.value))
  }

  private dynamicPrompt(exec: ExecNode, input: InputDef | undefined, value: unknown): unknown {
    if (this.options.dynamicPrompts === 'keep' || input?.kind !== 'STRING' || !input.dynamicPrompts || typeof value !== 'string') {
      return value
    }
    const result = resolveDynamicPrompt(value, this.random)
    if (result.randomized) {
      this.warn({
        code: 'dynamic_prompt_randomized',
        message: `"${input.name}" has {a|b} choices; one option of each was picked at random, as the editor does`,
        path: [...exec.node.path, 'widgets_values'],
        nodeId: exec.id,
      })
    }
    return result.text
  }
}

function inputField(input: InputDef | undefined): { input?: InputDef } {
  return input === undefined ? {} : { input }
}

// A list value would read as a link; the server unwraps this form:
function wrap(value: unknown): ApiValue {
  return Array.isArray(value) ? { __value__: value } : (value as ApiValue)
}

