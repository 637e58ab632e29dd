/**
 * The widget values of one UI node, by widget name, as the editor sends them: from `widgets_values_named` or a
 * dict-shaped `widgets_values` by name, or from the positional list (read with the class's definition, or named
 * from the widget sockets the editor saves for classes the definitions lack); values handed down by a legacy group
 * node instance replace the node's own.
 * @module
 */
import type { NodeDef } from '../defs/model.js'
import { comboValue, customComboIndex, walkEditorWidgets } from './editor-widgets.js'
import type { UiNode } from './ui-graph.js'
import type { ConversionWarning } from './warnings.js'
import { mapUnknownWidgets, mapWidgetValues, type NamedWidget, type WidgetState } from './widgets.js'

// Keys of dict-shaped widget values that hold UI state, not inputs (VideoHelperSuite previews, editor widgets):
const UI_ONLY_WIDGET_KEYS = new Set(['videopreview', 'preview', 'control_after_generate', 'upload', '__proto__'])

export interface WidgetReading {
  /** The values the editor sends, in its widget order. */
  readonly widgets: readonly NamedWidget[]
  /** What the reader had to guess or leave out. */
  readonly warnings: readonly ConversionWarning[]
}

/** Reads the widget values of `node` (execution id `nodeId`); `def` is its class, when known. */
export function readNodeWidgets(node: UiNode, def: NodeDef | undefined, nodeId: string): WidgetReading {
  const warnings: ConversionWarning[] = []
  const note = (code: ConversionWarning['code'], message: string): void => {
    warnings.push({ code, message, path: [...node.path, 'widgets_values'], nodeId })
  }
  const values = node.widgetsValuesNamed ?? node.widgetsValues
  if (def === undefined) return { widgets: unknownClassWidgets(node, values, note), warnings }
  let states: readonly WidgetState[]
  if (values !== undefined && !Array.isArray(values)) {
    const named = values as Readonly<Record<string, unknown>>
    states = byName(def, named)
  } else {
    const mapping = mapWidgetValues(def, (values as readonly unknown[] | undefined) ?? [])
    if (mapping.layout !== 'current') note('widget_layout_legacy', `widget values of ${node.type} follow an older editor's layout (${mapping.layout})`)
    states = mapping.states
  }
  const overrides = node.widgetOverrides
  const held = new Map<string, unknown>()
  for (const state of states) {
    const override = overrides !== undefined && overrides.has(state.widget.name)
    held.set(state.widget.name, override ? overrides.get(state.widget.name) : state.value)
    if (override || state.fromFile || state.widget.kind !== 'input' || !state.widget.persisted) continue
    if (state.value === undefined) {
      note('widget_value_missing', `no value for widget "${state.widget.name}" and the definition has no default; the input is left out`)
    } else {
      note('widget_default_used', `no value for widget "${state.widget.name}"; the default ${JSON.stringify(state.value)} is used, as in the editor`)
    }
  }
  const widgets: NamedWidget[] = []
  for (const { widget } of states) {
    if (!widget.sent) continue
    let value = held.get(widget.name)
    if (widget.kind === 'input' && widget.input?.kind === 'COMBO') value = comboValue(widget.input, value)
    if (widget.kind === 'extension' && widget.name === 'index' && def.classType === 'CustomCombo') value = customComboIndex(held)
    if (value === undefined) continue
    widgets.push(widget.input === undefined ? { name: widget.name, value, widget } : { name: widget.name, value, input: widget.input, widget })
  }
  return { widgets, warnings }
}

// Values by name: each widget takes its own, or its default:
function byName(def: NodeDef, named: Readonly<Record<string, unknown>>): WidgetState[] {
  const states: WidgetState[] = []
  walkEditorWidgets(def, (widget) => {
    const fromFile = widget.name !== '__proto__' && Object.hasOwn(named, widget.name)
    const value = fromFile ? named[widget.name] : widget.default
    states.push({ widget, value, fromFile })
    return value
  })
  return states
}

function unknownClassWidgets(
  node: UiNode,
  values: UiNode['widgetsValues'],
  note: (code: ConversionWarning['code'], message: string) => void,
): NamedWidget[] {
  if (values === undefined) return []
  if (!Array.isArray(values)) {
    return Object.entries(values as Record<string, unknown>)
      .filter(([name]) => !UI_ONLY_WIDGET_KEYS.has(name))
      .map(([name, value]) => ({ name, value }))
  }
  const names = node.inputs.flatMap((input) => (input.widget === undefined ? [] : [input.widget]))
  const mapped = mapUnknownWidgets(names, values)
  if (mapped !== undefined) return mapped
  note('widgets_unmapped', `the ${values.length} widget value(s) of unknown class "${node.type}" cannot be named; they are left out`)
  return []
}
