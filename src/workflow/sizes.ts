/**
 * Node sizes as the ComfyUI editor draws them (litegraph's `computeSize`): the body is one 20 px row per socket
 * (inputs and outputs side by side), then one 24 px row per widget (20 px high, 4 px apart), plus 6 px (14 px when
 * there are widgets). The 30 px title bar sits above `pos`, outside `size`. Checked against sizes saved by the editor:
 * VAEDecode 46, VAELoader 58, EmptyLatentImage 106, CheckpointLoaderSimple 98, KSampler 262.
 * @module
 */
import type { EditorWidget } from '../convert/editor-widgets.js'

export const TITLE_HEIGHT = 30
export const SLOT_HEIGHT = 20
const WIDGET_ROW = 24
/** A multiline text box: the editor's DOM textarea, drawn taller. */
const MULTILINE_HEIGHT = 140
/** The image preview a media loader shows under its widgets. */
const PREVIEW_HEIGHT = 200
const CHAR_WIDTH = 7

export interface SizeInput {
  readonly title: string
  readonly inputs: readonly string[]
  readonly outputs: readonly string[]
  /** The widgets the editor shows (see {@link shownWidgets}). */
  readonly widgets: readonly EditorWidget[]
}

/** The widgets that take a row on the node: those the editor draws (a control's filter list is folded into it). */
export function shownWidgets(widgets: readonly EditorWidget[]): EditorWidget[] {
  return widgets.filter((w) => w.kind !== 'filter' && w.kind !== 'legacy' && !(w.kind === 'extension' && !w.persisted && w.name !== 'audioUI'))
}

/** `[width, height]` of the node body. */
export function nodeSize(node: SizeInput): [number, number] {
  const rows = Math.max(node.inputs.length, node.outputs.length, 1)
  let height = rows * SLOT_HEIGHT + (node.widgets.length > 0 ? 14 : 6)
  let width = node.widgets.length > 0 ? 315 : 210
  for (const widget of node.widgets) {
    const multiline = widget.input?.kind === 'STRING' && widget.input.multiline
    height += multiline ? MULTILINE_HEIGHT : WIDGET_ROW
    if (multiline) width = Math.max(width, 400)
    if (widget.kind === 'upload') height += PREVIEW_HEIGHT
  }
  const longest = (names: readonly string[]): number => Math.max(0, ...names.map((n) => n.length))
  width = Math.max(width, node.title.length * CHAR_WIDTH + 60, (longest(node.inputs) + longest(node.outputs)) * CHAR_WIDTH + 60)
  return [width, height]
}
