/**
 * Reads the positional `widgets_values` of a UI node the way the editor's `configure()` does: the node's widgets
 * (see {@link walkEditorWidgets}) take the values in order, skipping widgets the editor does not write; widgets past
 * the end keep their defaults. Older editors' layouts are recognised when they fit the values exactly.
 * @module
 */
import type { InputDef, NodeDef } from '../defs/model.js'
import { CONTROL_VALUES, walkEditorWidgets, type EditorWidget, type Layout } from './editor-widgets.js'

export { CONTROL_VALUES, hasControlWidget, widgetDefault } from './editor-widgets.js'
export type { Layout } from './editor-widgets.js'

/** A widget value with the input it fills. */
export interface NamedWidget {
  readonly name: string
  readonly value: unknown
  /** The input definition, when the node's class is known. */
  readonly input?: InputDef
  /** The editor widget, when the node's class is known. */
  readonly widget?: EditorWidget
}

/** One widget after reading the file: the value it holds and whether the file gave it. */
export interface WidgetState {
  readonly widget: EditorWidget
  readonly value: unknown
  readonly fromFile: boolean
}

export interface WidgetMapping {
  /** Every widget of the node, in the editor's order. */
  readonly states: readonly WidgetState[]
  /** Input widgets the file had no value for (they hold their default, as in the editor). */
  readonly missing: readonly EditorWidget[]
  /** How the values were read: `current` editor layout, or an older one that matched the count exactly. */
  readonly layout: Layout
}

/** Maps positional widget values to the widgets of a known class. */
export function mapWidgetValues(def: NodeDef, values: readonly unknown[]): WidgetMapping {
  const current = configure(def, values, 'current')
  if (fits(current, values)) return current
  if (def.inputs.some((input) => input.forceInput)) {
    const legacy = configure(def, values, 'legacy-force-input')
    if (fits(legacy, values)) return legacy
  }
  // Files from before the editor had control widgets (early 2023), read as that editor wrote them. No editor fixture
  // has one, so whether today's editor reads them the same way is not settled. Not when the values hold control
  // keywords where they belong:
  const controls = current.states.filter((s) => s.widget.kind === 'control' && s.fromFile)
  if (controls.length > 0 && !controls.some((s) => CONTROL_VALUES.has(s.value) || typeof s.value === 'boolean')) {
    const old = configure(def, values, 'no-control-widget')
    if (fits(old, values)) return old
  }
  return current
}

function configure(def: NodeDef, values: readonly unknown[], layout: Layout): WidgetMapping & { used: number } {
  const states: WidgetState[] = []
  const missing: EditorWidget[] = []
  let next = 0
  walkEditorWidgets(
    def,
    (widget) => {
      if (widget.persisted && next < values.length) {
        const value = values[next++]
        states.push({ widget, value, fromFile: true })
        return value
      }
      if (widget.persisted && widget.kind === 'input') missing.push(widget)
      states.push({ widget, value: widget.default, fromFile: false })
      return widget.default
    },
    layout,
  )
  return { states, missing, layout, used: next }
}

// Every written widget got a value and every value was used:
function fits(mapping: WidgetMapping & { used: number }, values: readonly unknown[]): boolean {
  return mapping.used === values.length && mapping.states.every((s) => s.fromFile || !s.widget.persisted)
}

/**
 * Names widget values of a class the definitions do not know, from the sockets the editor saved with a `widget`
 * name (every widget has one since frontend 1.16). A control keyword after `seed`/`noise_seed` is skipped.
 * Returns undefined when the node gives no names.
 */
export function mapUnknownWidgets(names: readonly string[], values: readonly unknown[]): NamedWidget[] | undefined {
  if (names.length === 0) return values.length === 0 ? [] : undefined
  const widgets: NamedWidget[] = []
  let next = 0
  for (const name of names) {
    if (next >= values.length) break
    widgets.push({ name, value: values[next++] })
    if ((name === 'seed' || name === 'noise_seed') && CONTROL_VALUES.has(values[next])) next++
  }
  return widgets
}
