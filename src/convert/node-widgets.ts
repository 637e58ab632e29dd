/**
 * The widget values of one UI node, by input name, from whichever form the file holds: values handed down by a
 * group node, `widgets_values_named`, a dict-shaped `widgets_values`, or the positional list (named with the
 * class's definition, or with the widget sockets the editor saves for classes the definitions lack).
 * @module
 */
import type { NodeDef } from '../defs/model.js'
import { hasWidget } from '../defs/widgets.js'
import type { UiNode } from './ui-graph.js'
import type { ConversionWarning } from './warnings.js'
import { mapUnknownWidgets, mapWidgetValues, widgetDefault, type NamedWidget } from './widgets.js'

// Keys of dict-shaped widget values that hold UI state, not inputs (VideoHelperSuite previews, editor widgets):
const UI_ONLY_WIDGET_KEYS = new Set(['videopreview', 'preview', 'control_after_generate', 'upload', '__proto__'])

export interface WidgetReading {
  readonly widgets: readonly NamedWidget[]
  /** What the reader had to guess or leave out. */
  readonly warnings: readonly ConversionWarning[]
}

/** Reads the widget values of `node` (execution id `nodeId`); `def` is its class, when known. */
export function readNodeWidgets(node: UiNode, def: NodeDef | undefined, nodeId: string): WidgetReading {
  const byName = new Map(def?.inputs.map((input) => [input.name, input]))
  const withInput = (name: string, value: unknown): NamedWidget => {
    const input = byName.get(name)
    return input === undefined ? { name, value } : { name, value, input }
  }
  if (node.namedWidgets !== undefined) return { widgets: node.namedWidgets.map(([n, v]) => withInput(n, v)), warnings: [] }
  const values = node.widgetsValuesNamed ?? node.widgetsValues
  if (values === undefined) return { widgets: [], warnings: [] }
  const warnings: ConversionWarning[] = []
  const note = (code: ConversionWarning['code'], message: string): void => {
    warnings.push({ code, message, path: [...node.path, 'widgets_values'], nodeId })
  }
  if (!Array.isArray(values)) {
    // Values by name: for a known class, its widget inputs and the dotted sub-widgets of its DynamicCombos:
    const known = (name: string): boolean => {
      if (name === '__proto__') return false
      const input = byName.get(name)
      if (input !== undefined) return hasWidget(input)
      const dot = name.indexOf('.')
      return dot > 0 && byName.get(name.slice(0, dot))?.kind === 'DYNAMIC_COMBO'
    }
    const entries = Object.entries(values).filter(([name]) => (def === undefined ? !UI_ONLY_WIDGET_KEYS.has(name) : known(name)))
    return { widgets: entries.map(([n, v]) => withInput(n, v)), warnings }
  }
  if (def === undefined) {
    const names = node.inputs.flatMap((input) => (input.widget === undefined ? [] : [input.widget]))
    const mapped = mapUnknownWidgets(names, values)
    if (mapped !== undefined) return { widgets: mapped, warnings }
    note('widgets_unmapped', `the ${values.length} widget value(s) of unknown class "${node.type}" cannot be named; they are left out`)
    return { widgets: [], warnings }
  }
  const mapping = mapWidgetValues(def, values)
  if (mapping.layout !== 'current') note('widget_layout_legacy', `widget values of ${node.type} follow an older editor's layout (${mapping.layout})`)
  const widgets = [...mapping.widgets]
  for (const input of mapping.missing) {
    const fallback = widgetDefault(input)
    if (fallback === undefined) {
      note('widget_value_missing', `no value for widget "${input.name}" and the definition has no default; the input is left out`)
      continue
    }
    note('widget_default_used', `no value for widget "${input.name}"; the default ${JSON.stringify(fallback.value)} is used, as in the editor`)
    widgets.push({ name: input.name, value: fallback.value, input })
  }
  return { widgets, warnings }
}
