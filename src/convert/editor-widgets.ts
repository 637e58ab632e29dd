/**
 * The widgets the ComfyUI editor (frontend 1.43.5) puts on a node of a given definition, in the order it creates
 * them, with what it writes to `widgets_values` and what it sends in the API prompt. One source for both directions:
 * reading UI workflows (UI → API) and writing them (DSL → UI).
 *
 * The rules, from the editor's own source:
 * - one widget per widget input: required inputs, then optional, each group in `input_order`; `forceInput` inputs
 *   are sockets only;
 * - a `control_after_generate` widget after an INT/FLOAT/COMBO whose definition asks for one, and after INT inputs
 *   named `seed`/`noise_seed` (the editor's `INT:seed` widget); a combo's control also gets a `control_filter_list`.
 *   Both are written to the file but never sent (`options.serialize: false`);
 * - a remote combo with a refresh button gets an auto-refresh toggle (written, not sent) and a `refresh` button
 *   (written and sent, value `"refresh"`);
 * - extensions append inputs to `required` before the widgets are made, so their widgets come after the last required
 *   input and before the optional ones: the media upload button (`upload`, value `"image"`, for the first required
 *   combo with `image_upload`/`video_upload`/`animated_image_upload`), the audio player `audioUI` (LoadAudio,
 *   SaveAudio, PreviewAudio, SaveAudioMP3, SaveAudioOpus; not written, sent) and the audio upload button (an input
 *   named `audio` with `audio_upload`), Preview3D's `image`;
 * - Load3D's `LOAD_3D` input becomes three buttons (`upload 3d model`, `upload extra resources`, `clear`, all written
 *   and sent) and the scene widget `image`; `IMAGECOMPARE` is a widget holding `["", ""]`;
 * - after all of them, per class: PreviewAny's `preview_markdown` and `preview_text` (sent, not written) and
 *   `previewMode` (written and sent); CustomCombo's hidden `index` (written, sent, computed) and its `option<N>`
 *   texts, one more each time the last gets a value;
 * - a V3 DynamicCombo is followed by the chosen option's widgets, named `<combo>.<input>`.
 *
 * `widgets_values` is read back with a counter that skips widgets not written to the file (see
 * {@link toWidgetsValues} for how the editor writes it).
 * @module
 */
import type { ComboInputDef, DynamicComboInputDef, InputDef, NodeDef } from '../defs/model.js'
import { hasWidget } from '../defs/normalize.js'

export type EditorWidgetKind =
  /** Edits the definition input of the same name (`<combo>.<input>` under a DynamicCombo). */
  | 'input'
  /** `control_after_generate`: what the editor does to the value after queueing (`fixed`, `randomize`...). */
  | 'control'
  /** `control_filter_list` after a combo's control: which options the control cycles through. */
  | 'filter'
  /** A media upload button (`upload`): written to the file, never sent. */
  | 'upload'
  /** A button or toggle the editor adds (a remote combo's `refresh`, Load3D's buttons). */
  | 'button'
  /** A value an editor extension adds for one class (`audioUI`, PreviewAny's `previewMode`, CustomCombo's `index`). */
  | 'extension'
  /** A value slot older editors wrote for a `forceInput` input (before frontend 1.16); read past, never sent. */
  | 'legacy'

export interface EditorWidget {
  /** The widget's name: the key of its value in the API prompt. */
  readonly name: string
  readonly kind: EditorWidgetKind
  /** Written to `widgets_values` (litegraph's `widget.serialize !== false`), and read back from it in order. */
  readonly persisted: boolean
  /** Sent in the API prompt (`widget.options.serialize !== false`). */
  readonly sent: boolean
  /** The value the editor gives the widget when the file has none. */
  readonly default: unknown
  /** The input this widget edits (`input` widgets), or the one a control/filter/upload widget serves. */
  readonly input?: InputDef
  /** DynamicCombo nesting depth: 0 for the node's own inputs. */
  readonly depth: number
}

/** Values the editor's `control_after_generate` widget takes. */
export const CONTROL_VALUES: ReadonlySet<unknown> = new Set(['fixed', 'increment', 'decrement', 'randomize'])

/** Classes whose definition the editor's audio extension gives an `audioUI` player widget. */
export const AUDIO_UI_CLASSES: ReadonlySet<string> = new Set(['LoadAudio', 'SaveAudio', 'PreviewAudio', 'SaveAudioMP3', 'SaveAudioOpus'])

/** Combo flags that make the editor's image extension add an upload button. */
const IMAGE_UPLOAD_FLAGS = ['image_upload', 'video_upload', 'animated_image_upload'] as const

/**
 * Layouts of `widgets_values` that editors have written over time: `current`; `legacy-force-input` (before frontend
 * 1.16, `forceInput` inputs kept a value slot; the editor migrates these); `no-control-widget` (early 2023, before
 * the editor had `control_after_generate` widgets).
 */
export type Layout = 'current' | 'legacy-force-input' | 'no-control-widget'

/**
 * Called for each widget as the editor creates it; returns the value the widget then holds. The chosen option of a
 * DynamicCombo decides which widgets follow it, and a CustomCombo option with a value adds the next one.
 */
export type WidgetVisitor = (widget: EditorWidget) => unknown

/** Walks the widgets of a node of class `def` in the editor's order (see the module notes). */
export function walkEditorWidgets(def: NodeDef, visit: WidgetVisitor, layout: Layout = 'current'): void {
  const walk = new Walk(visit, layout)
  const required = def.inputs.filter((input) => input.required)
  const optional = def.inputs.filter((input) => !input.required)
  for (const input of required) walk.input(input, '', 0)
  for (const widget of appendedToRequired(def)) walk.emit(widget)
  for (const input of optional) walk.input(input, '', 0)
  walk.classWidgets(def)
}

/**
 * The widgets of a node of class `def`, in order. `values` (by widget name) choose the DynamicCombo options and the
 * CustomCombo options to lay out; without them each widget holds its default.
 */
export function editorWidgets(def: NodeDef, values: Readonly<Record<string, unknown>> = {}): EditorWidget[] {
  const widgets: EditorWidget[] = []
  walkEditorWidgets(def, (widget) => {
    widgets.push(widget)
    return Object.hasOwn(values, widget.name) ? values[widget.name] : widget.default
  })
  return widgets
}

/**
 * The `widgets_values` for a node of class `def` whose widgets hold `values` (by widget name; widgets not given hold
 * their default): the written widgets' values in order. Editor 1.43.5 itself writes each value at its widget's
 * absolute position (`null` for a widget it does not write) but reads them back skipping those widgets, so a node
 * with such a widget before others (PreviewAny) does not load back as saved; this compact form loads right in every
 * version.
 */
export function toWidgetsValues(def: NodeDef, values: Readonly<Record<string, unknown>> = {}): unknown[] {
  const held = new Map<string, unknown>()
  const written: string[] = []
  walkEditorWidgets(def, (widget) => {
    const value = Object.hasOwn(values, widget.name) ? values[widget.name] : widget.default
    held.set(widget.name, value)
    if (widget.persisted) written.push(widget.name)
    return value
  })
  // CustomCombo's index is computed from the choice and the options:
  if (def.classType === 'CustomCombo') held.set('index', customComboIndex(held))
  return written.map((name) => held.get(name))
}

/**
 * The widgets one top-level input gets, its own and those that follow it (control, refresh), named `name`;
 * a DynamicCombo's option widgets are left out. For definitions the editor builds itself (legacy group nodes).
 */
export function inputWidgets(input: InputDef, name = input.name): EditorWidget[] {
  const widgets: EditorWidget[] = []
  new Walk((widget) => {
    widgets.push(widget)
    return undefined
  }, 'current').input(input, '', 0, name)
  return widgets
}

/** True when the input's type is one the editor makes widgets for, `forceInput` or not (its `inputIsWidget`). */
export function isWidgetType(input: InputDef): boolean {
  if (input.kind === 'LINK' && input.type === 'LOAD_3D') return true
  return hasWidget(input.forceInput ? ({ ...input, forceInput: false } as InputDef) : input)
}

/** True when the editor puts a `control_after_generate` widget after this (top-level) widget input. */
export function hasControlWidget(input: InputDef): boolean {
  return hasControl(input, 0)
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
    case 'DYNAMIC_COMBO':
      return input.choices.length > 0 ? { value: input.choices[0]?.key } : undefined
    case 'LINK':
      return { value: input.type === 'IMAGECOMPARE' ? ['', ''] : '' }
    default:
      return undefined
  }
}

/**
 * A combo widget given `null` (files write it for a combo that had no options) shows its first option, when it has
 * one; the editor sends that.
 */
export function comboValue(input: ComboInputDef, value: unknown): unknown {
  if ((value === null || value === undefined) && input.options.length > 0) return input.options[0]
  return value
}

/** CustomCombo's `index`: the position of the chosen text among the option widgets, -1 when none has it. */
export function customComboIndex(values: ReadonlyMap<string, unknown>): number {
  const options = [...values].filter(([name]) => /^option\d+$/.test(name)).map(([, value]) => value)
  return options.findIndex((value) => value === values.get('choice'))
}

/**
 * The `audioUI` value the editor sends for a LoadAudio node: the URL of the chosen file, with a random cache-buster
 * (`random` like `Math.random`). Output nodes' players are empty until they run.
 */
export function audioUiValue(classType: string, audio: unknown, outputNode: boolean, random: () => number): string {
  if (outputNode || classType !== 'LoadAudio') return ''
  const path = typeof audio === 'string' ? audio : ''
  const slash = path.lastIndexOf('/')
  const [subfolder, filename] = slash === -1 ? ['', path] : [path.slice(0, slash), path.slice(slash + 1)]
  return `/api/view?filename=${encodeURIComponent(filename)}&type=input&subfolder=${subfolder}&rand=${random()}`
}

class Walk {
  constructor(
    readonly visit: WidgetVisitor,
    readonly layout: Layout,
  ) {}

  emit(widget: EditorWidget): unknown {
    return this.visit(widget)
  }

  input(input: InputDef, prefix: string, depth: number, as = input.name): void {
    const name = prefix + as
    if (input.kind === 'LINK' && input.type === 'LOAD_3D') {
      for (const [button, value] of LOAD_3D_BUTTONS) this.emit(widget(button, 'button', true, true, value, depth, input))
      this.emit(widget(name, 'input', true, true, '', depth, input))
      return
    }
    if (!hasWidget(input)) {
      // Before frontend 1.16 a forceInput primitive kept a value slot, which the editor migrates away:
      if (this.layout === 'legacy-force-input' && input.forceInput && isPrimitive(input)) {
        this.emit(widget(name, 'legacy', true, false, null, depth, input))
      }
      return
    }
    const value = this.emit(widget(name, 'input', true, true, widgetDefault(input)?.value, depth, input))
    if (input.kind === 'COMBO' && isRefreshable(input)) {
      this.emit(widget('auto-refresh', 'button', true, false, false, depth, input))
      this.emit(widget('refresh', 'button', true, true, 'refresh', depth, input))
    }
    if (this.layout !== 'no-control-widget' && hasControl(input, depth)) {
      this.emit(widget('control_after_generate', 'control', true, false, controlDefault(input), depth, input))
      if (input.kind === 'COMBO') this.emit(widget('control_filter_list', 'filter', true, false, '', depth, input))
    }
    if (input.kind === 'DYNAMIC_COMBO') this.dynamicCombo(input, name, value, depth)
  }

  dynamicCombo(input: DynamicComboInputDef, name: string, value: unknown, depth: number): void {
    const choice = input.choices.find((c) => c.key === value)
    if (choice === undefined) return
    for (const sub of choice.inputs) this.input(sub, `${name}.`, depth + 1)
  }

  classWidgets(def: NodeDef): void {
    if (def.classType === 'PreviewAny') {
      this.emit(widget('preview_markdown', 'extension', false, true, '', 0))
      this.emit(widget('preview_text', 'extension', false, true, '', 0))
      this.emit(widget('previewMode', 'extension', true, true, false, 0))
    } else if (def.classType === 'CustomCombo') {
      this.emit(widget('index', 'extension', true, true, -1, 0))
      for (let n = 1; ; n++) {
        // The last option getting a value adds the next one (JavaScript truthiness, as the editor tests it):
        if (!this.emit(widget(`option${n}`, 'extension', true, true, '', 0))) break
      }
    }
  }
}

// Load3D's scene input: the buttons come before the scene widget, each written and sent with its own label:
const LOAD_3D_BUTTONS = [
  ['upload 3d model', 'upload3dmodel'],
  ['upload extra resources', 'uploadExtraResources'],
  ['clear', 'clear'],
] as const

/** Widgets the editor's extensions add by appending an input to `required` before the node is made. */
export function appendedToRequired(def: NodeDef): EditorWidget[] {
  const out: EditorWidget[] = []
  const required = def.inputs.filter((input) => input.required)
  if (AUDIO_UI_CLASSES.has(def.classType)) out.push(widget('audioUI', 'extension', false, true, '', 0))
  const audio = required.find((input) => input.name === 'audio')
  const imageUpload = required.find((input) => input.kind === 'COMBO' && IMAGE_UPLOAD_FLAGS.some((flag) => input.config[flag] === true))
  if (audio?.config['audio_upload'] === true) out.push(widget('upload', 'upload', true, false, '', 0, audio))
  else if (imageUpload !== undefined) out.push(widget('upload', 'upload', true, false, 'image', 0, imageUpload))
  if (def.classType === 'Preview3D') out.push(widget('image', 'extension', true, true, '', 0))
  return out
}

function widget(
  name: string,
  kind: EditorWidgetKind,
  persisted: boolean,
  sent: boolean,
  value: unknown,
  depth: number,
  input?: InputDef,
): EditorWidget {
  return input === undefined ? { name, kind, persisted, sent, default: value, depth } : { name, kind, persisted, sent, default: value, depth, input }
}

function hasControl(input: InputDef, depth: number): boolean {
  if (input.kind !== 'INT' && input.kind !== 'FLOAT' && input.kind !== 'COMBO') return false
  const flag = input.config['control_after_generate']
  if (flag !== undefined && flag !== null) return input.controlAfterGenerate
  // The editor's `INT:seed` and `INT:noise_seed` widgets have one whatever the definition says:
  return depth === 0 && input.kind === 'INT' && (input.name === 'seed' || input.name === 'noise_seed')
}

function controlDefault(input: InputDef): string {
  const flag = input.config['control_after_generate']
  return typeof flag === 'string' && CONTROL_VALUES.has(flag) ? flag : 'randomize'
}

function isRefreshable(input: ComboInputDef): boolean {
  const remote = input.config['remote']
  return typeof remote === 'object' && remote !== null && (remote as Record<string, unknown>)['refresh_button'] === true
}

function isPrimitive(input: InputDef): boolean {
  return input.kind === 'INT' || input.kind === 'FLOAT' || input.kind === 'STRING' || input.kind === 'BOOLEAN' || input.kind === 'COMBO'
}
