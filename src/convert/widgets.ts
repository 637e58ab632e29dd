/**
 * Names the positional `widgets_values` of a UI node, the way the editor lays out widgets for a node definition:
 * one widget per widget input (required then optional, in `input_order`), a `control_after_generate` companion
 * after seed-like inputs, the chosen option's sub-widgets after a V3 DynamicCombo, and UI-only widgets
 * (upload buttons) after everything else.
 * @module
 */
import type { DynamicComboInputDef, InputDef, NodeDef } from '../defs/model.js'
import { hasWidget } from '../defs/widgets.js'

/** A widget value with the input it fills. */
export interface NamedWidget {
  readonly name: string
  readonly value: unknown
  /** The input definition, when the node's class is known. */
  readonly input?: InputDef
}

export interface WidgetMapping {
  readonly widgets: readonly NamedWidget[]
  /** Widget inputs that had no value in the file (the editor shows their default). */
  readonly missing: readonly InputDef[]
  /** How the values were read: `current` editor layout, or an older one that matched the count exactly. */
  readonly layout: Layout
}

/**
 * Layouts of `widgets_values` that editors have written over time:
 * `current`; `legacy-force-input` (before frontend 1.16, `forceInput` inputs kept a value slot);
 * `no-control-widget` (early 2023, before the editor had `control_after_generate` widgets).
 */
export type Layout = 'current' | 'legacy-force-input' | 'no-control-widget'

const LAYOUTS: readonly Layout[] = ['current', 'legacy-force-input', 'no-control-widget']

/** Values the editor's `control_after_generate` widget takes. */
export const CONTROL_VALUES: ReadonlySet<unknown> = new Set(['fixed', 'increment', 'decrement', 'randomize'])

// Combo options that make the editor add an upload button (its value is written after all other widgets):
const UPLOAD_FLAGS = ['image_upload', 'video_upload', 'audio_upload', 'animated_image_upload', 'file_upload', 'model_upload']

/** Maps positional widget values to input names for a known class. */
export function mapWidgetValues(def: NodeDef, values: readonly unknown[]): WidgetMapping {
  const trailing = def.inputs.filter((input) => UPLOAD_FLAGS.some((flag) => input.config[flag] === true)).length
  let first: WidgetMapping | undefined
  for (const layout of LAYOUTS) {
    const walk = new Walk(values, layout)
    walk.inputs(def.inputs, '', 0)
    const mapping = { widgets: walk.widgets, missing: walk.missing, layout }
    first ??= mapping
    // A layout fits when it uses every value but the UI-only trailing ones:
    if (walk.missing.length === 0 && walk.next >= values.length - trailing && walk.next <= values.length) return mapping
  }
  return first as WidgetMapping
}

class Walk {
  readonly widgets: NamedWidget[] = []
  readonly missing: InputDef[] = []
  next = 0

  constructor(
    readonly values: readonly unknown[],
    readonly layout: Layout,
  ) {}

  inputs(inputs: readonly InputDef[], prefix: string, depth: number): void {
    for (const input of inputs) this.input(input, prefix, depth)
  }

  input(input: InputDef, prefix: string, depth: number): void {
    const name = prefix + input.name
    if (!hasWidget(input)) {
      if (this.layout === 'legacy-force-input' && input.forceInput && isPrimitive(input)) this.next++
      return
    }
    if (this.next >= this.values.length) {
      this.missing.push(prefix === '' ? input : { ...input, name })
      return
    }
    const value = this.values[this.next++]
    this.widgets.push({ name, value, input })
    if (input.kind === 'DYNAMIC_COMBO') {
      this.control(input, depth)
      this.dynamicCombo(input, name, value, depth)
      return
    }
    this.control(input, depth)
  }

  // The companion widget exists per the definition; its saved value is a keyword, or `true`/`false` for the
  // 2023 editor's "randomize" toggle:
  control(input: InputDef, depth: number): void {
    if (!hasControl(input, depth, this.layout)) return
    if (this.next < this.values.length) this.next++
  }

  dynamicCombo(input: DynamicComboInputDef, name: string, value: unknown, depth: number): void {
    const choice = input.choices.find((c) => c.key === value)
    if (choice !== undefined) this.inputs(choice.inputs, `${name}.`, depth + 1)
  }
}

/** True when the editor puts a `control_after_generate` widget after this (top-level) widget input. */
export function hasControlWidget(input: InputDef): boolean {
  return hasControl(input, 0, 'current')
}

function hasControl(input: InputDef, depth: number, layout: Layout): boolean {
  if (layout === 'no-control-widget') return false
  if (input.kind !== 'INT' && input.kind !== 'FLOAT' && input.kind !== 'COMBO') return false
  const flag = input.config['control_after_generate']
  if (flag !== undefined && flag !== null) return input.controlAfterGenerate
  // The editor adds one to INT inputs named seed/noise_seed whose definition says nothing:
  return depth === 0 && input.kind === 'INT' && (input.name === 'seed' || input.name === 'noise_seed')
}

function isPrimitive(input: InputDef): boolean {
  return input.kind === 'INT' || input.kind === 'FLOAT' || input.kind === 'STRING' || input.kind === 'BOOLEAN' || input.kind === 'COMBO'
}

/**
 * The value the editor's widget holds when the file has none: the definition's default, else the widget's own
 * (0, empty text, false, the first combo option).
 */
export function widgetDefault(input: InputDef): { value: unknown } | undefined {
  if (input.default !== undefined) return { value: input.default }
  switch (input.kind) {
    case 'INT':
    case 'FLOAT':
      return { value: 0 }
    case 'STRING':
      return { value: '' }
    case 'BOOLEAN':
      return { value: false }
    case 'COMBO':
      return input.options.length > 0 ? { value: input.options[0] } : undefined
    default:
      return undefined
  }
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
