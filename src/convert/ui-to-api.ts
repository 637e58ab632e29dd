/**
 * UI (litegraph) workflow to API prompt, following the editor's `graphToPrompt`: every executable node that is
 * neither muted nor bypassed, with its widget values by name (lists wrapped as `{"__value__": [...]}`), then its
 * resolved links; links to nodes that are not in the prompt are dropped.
 * @module
 */
import type { DefSet, NodeDef } from '../defs/model.js'
import type { ApiNode, ApiPrompt, ApiValue } from '../dsl/prompt.js'
import type { IssuePath } from '../errors.js'
import { assertJsonDepth } from '../json/depth.js'
import { resolveDynamicPrompt } from './dynamic-prompts.js'
import { audioUiValue } from './editor-widgets.js'
import { ExecGraph, type ExecNode } from './exec-graph.js'
import { readNodeWidgets, type WidgetReading } from './node-widgets.js'
import { applyTextReplacements, SAVE_NODE_TYPES, type ReplacementSource } from './text-replacements.js'
import { MODE, type UiNode } from './ui-graph.js'
import { readUiWorkflow } from './ui-read.js'
import type { ConversionWarning, WarningSink } from './warnings.js'
import type { NamedWidget } from './widgets.js'

/** Classes the editor itself defines that never reach the server. */
export const EDITOR_VIRTUAL_TYPES: readonly string[] = ['Note', 'MarkdownNote', 'PrimitiveNode', 'Reroute']

/** Classes that exist only in the editor and never reach the server: the editor's own and common extensions'. */
export const DEFAULT_VIRTUAL_TYPES: readonly string[] = [
  ...EDITOR_VIRTUAL_TYPES,
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

export interface UiToApiOptions {
  /** Names the document in errors and warnings. */
  readonly file?: string
  /** More classes that exist only in the editor (added to {@link DEFAULT_VIRTUAL_TYPES}). */
  readonly virtualTypes?: Iterable<string>
  /**
   * Whether the editor-only classes of common extensions (rgthree, KJNodes, mtb: the rest of
   * {@link DEFAULT_VIRTUAL_TYPES}) are virtual (default true). `false` converts as an editor without those
   * extensions does: their nodes are unknown classes, sent as they are.
   */
  readonly extensionVirtualTypes?: boolean
  /**
   * Text widgets with `dynamicPrompts` (CLIPTextEncode's `text`...): `resolve` removes comments and picks one option
   * of each `{a|b}` group as the editor does when queueing (default); `keep` writes the text unchanged.
   */
  readonly dynamicPrompts?: 'resolve' | 'keep'
  /** Random source for `{a|b}` groups, `[0, 1)` like `Math.random` (the default). */
  readonly random?: () => number
  /** Clock for `%date:...%` in save nodes' `filename_prefix` (default: the current time). */
  readonly now?: () => Date
}

export interface UiToApiResult {
  readonly prompt: ApiPrompt
  readonly warnings: readonly ConversionWarning[]
}

/**
 * Converts a parsed UI workflow to an API prompt using `defs` to name widget values.
 * Throws {@link WorkflowFormatError} (with file and JSON path) when the document is not a UI workflow this version
 * can read, or when its links loop, and {@link JsonDepthError} for nesting deeper than 1,000 levels; everything the
 * editor would tolerate is converted, with warnings.
 */
export function uiToApi(workflow: unknown, defs: DefSet, options: UiToApiOptions = {}): UiToApiResult {
  const file = options.file
  // The reader and the graph walk values recursively: refuse absurd nesting first, with its path.
  assertJsonDepth(workflow, file === undefined ? {} : { file })
  if (typeof workflow === 'object' && workflow !== null && !Array.isArray(workflow) && !('nodes' in workflow)) {
    // The editor loads such a document as an empty graph and queues nothing:
    const warning: ConversionWarning = { code: 'no_nodes', message: 'the document has no "nodes" list; the editor queues an empty prompt', path: ['nodes'] }
    return { prompt: {}, warnings: [warning] }
  }
  const ui = readUiWorkflow(workflow, file === undefined ? {} : { file })
  const warnings: ConversionWarning[] = []
  const warn: WarningSink = (w) => warnings.push(w)
  const defaults = options.extensionVirtualTypes === false ? EDITOR_VIRTUAL_TYPES : DEFAULT_VIRTUAL_TYPES
  const virtual = new Set([...defaults, ...(options.virtualTypes ?? [])])
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
  readonly now: () => Date
  readonly #readings = new Map<string, WidgetReading>()
  #sources: ReplacementSource[] | undefined

  constructor(
    readonly graph: ExecGraph,
    readonly defs: DefSet,
    readonly options: UiToApiOptions,
    readonly warn: WarningSink,
  ) {
    this.random = options.random ?? Math.random
    this.now = options.now ?? (() => new Date())
  }

  emit(exec: ExecNode): ApiNode {
    const { node } = exec
    const def = this.defs.classes.get(node.type)
    if (def === undefined) {
      this.warn({ code: 'unknown_class', message: `class "${node.type}" is not in the node definitions`, path: [...node.path, 'type'], nodeId: exec.id })
    }
    const reading = this.reading(exec)
    for (const warning of reading.warnings) this.warn(warning)
    const inputs: Record<string, ApiValue> = {}
    for (const widget of reading.widgets) inputs[widget.name] = wrap(this.serialize(exec, widget, widget.value))
    node.inputs.forEach((input, slot) => {
      const resolved = this.graph.resolveInput(exec, slot)
      if (resolved === undefined) return
      if (resolved.kind === 'link') {
        inputs[input.name] = [resolved.originId, resolved.slot]
        return
      }
      if (resolved.kind === 'widget') {
        // A promoted widget holds the value of the inner widget it stands for, sent as it is:
        const value = this.reading(resolved.exec).widgets.find((w) => w.name === resolved.widget)?.value
        if (value !== undefined) inputs[input.name] = wrap(value)
        return
      }
      if (resolved.primitive === undefined) {
        inputs[input.name] = wrap(resolved.value)
        return
      }
      // A primitive node writes its value into the widget its link targets, which then serializes it; a node
      // without that widget gets nothing:
      const target = reading.widgets.find((w) => w.name === (input.widget ?? input.name))
      if (target === undefined) {
        this.warn({
          code: 'primitive_unapplied',
          message: `input "${input.name}" takes a primitive node's value, but the node has no widget "${input.widget ?? input.name}"; it is left out, as in the editor`,
          path: [...node.path, 'inputs', slot],
          nodeId: exec.id,
        })
        return
      }
      let value = resolved.value
      if (resolved.primitive.properties[REPLACE_PROPERTY] === true) value = this.replace(resolved.primitive.path, value)
      inputs[target.name] = wrap(this.serialize(exec, target, value))
    })
    return { inputs, class_type: node.type, _meta: { title: titleOf(node, def) } }
  }

  private reading(exec: ExecNode): WidgetReading {
    let reading = this.#readings.get(exec.id)
    if (reading === undefined) {
      reading = readNodeWidgets(exec.node, this.defs.classes.get(exec.node.type), exec.id)
      this.#readings.set(exec.id, reading)
    }
    return reading
  }

  // What the editor's widget sends for a value: save nodes expand `%...%` in filename_prefix, dynamic-prompt
  // texts resolve their {a|b} choices, LoadAudio's player sends the file's URL.
  private serialize(exec: ExecNode, widget: NamedWidget, value: unknown): unknown {
    const { name, input } = widget
    if (name === 'filename_prefix' && SAVE_NODE_TYPES.has(exec.node.type)) return this.replace(exec.node.path, value)
    if (widget.widget?.kind === 'extension' && name === 'audioUI') {
      const def = this.defs.classes.get(exec.node.type)
      const audio = this.reading(exec).widgets.find((w) => w.name === 'audio')?.value
      return audioUiValue(exec.node.type, audio, def?.outputNode ?? false, this.random)
    }
    if (this.options.dynamicPrompts === 'keep' || input?.kind !== 'STRING' || !input.dynamicPrompts || typeof value !== 'string') {
      return value
    }
    const result = resolveDynamicPrompt(value, this.random)
    if (result.randomized) {
      this.warn({
        code: 'dynamic_prompt_randomized',
        message: `"${name}" has {a|b} choices; one option of each was picked at random, as the editor does`,
        path: [...exec.node.path, 'widgets_values'],
        nodeId: exec.id,
      })
    }
    return result.text
  }

  private replace(path: IssuePath, value: unknown): unknown {
    if (typeof value !== 'string' || !value.includes('%')) return value
    this.#sources ??= [...this.graph.nodes.values()].map((exec) => ({
      searchName: stringOrUndefined(exec.node.properties['Node name for S&R']),
      title: titleOf(exec.node, this.defs.classes.get(exec.node.type)),
      widgets: () => new Map(this.reading(exec).widgets.map((w) => [w.name, w.value])),
    }))
    const result = applyTextReplacements(value, this.#sources, this.now)
    if (result.usedDate) {
      this.warn({ code: 'date_in_text', message: `"${value}" takes the current date and time, as in the editor`, path: [...path, 'widgets_values'] })
    }
    return result.text
  }
}

// The primitive node property that asks for %...% replacements in its value:
const REPLACE_PROPERTY = 'Run widget replace on values'

function titleOf(node: UiNode, def: NodeDef | undefined): string {
  return node.title ?? def?.displayName ?? node.type
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

// A list value would read as a link; the server unwraps this form:
function wrap(value: unknown): ApiValue {
  return Array.isArray(value) ? { __value__: value } : (value as ApiValue)
}

