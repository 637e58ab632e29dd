/**
 * The widget rows the editor shows on a node, with their values: named by the class's definition when one is given
 * (the same widget rules the UI → API converter reads files with), else by the node's widget sockets (every widget has
 * one since frontend 1.16), else shown without names.
 * @module
 */
import { CONTROL_VALUES } from '../convert/editor-widgets.js'
import { mapWidgetValues } from '../convert/widgets.js'
import type { DefSet } from '../defs/model.js'
import type { RenderNode } from './read.js'

export interface WidgetRow {
  /** Widget name ('' when the file gives none). */
  readonly name: string
  readonly value: unknown
  /** Buttons (upload, refresh) show their name only. */
  readonly button: boolean
  /** A text area (multiline STRING, a note's text): shares the node's free height with the other text areas. */
  readonly multiline: boolean
}

// Frontend-only note nodes: one text area.
const NOTE_TYPES = new Set(['Note', 'MarkdownNote'])

// Dict-shaped widget values hold some UI state that is no widget (VideoHelperSuite previews):
const UI_ONLY_KEYS = new Set(['videopreview', 'preview'])

/** The widget rows of `node`, in the editor's order. */
export function widgetRows(node: RenderNode, defs: DefSet | undefined): WidgetRow[] {
  const values = node.widgetsValues
  if (values === undefined) return []
  if (!Array.isArray(values)) {
    return Object.entries(values)
      .filter(([name]) => !UI_ONLY_KEYS.has(name))
      .map(([name, value]) => ({ name, value, button: false, multiline: false }))
  }
  const def = defs?.classes.get(node.type)
  if (def !== undefined) {
    return mapWidgetValues(def, values)
      .states.filter((s) => s.widget.persisted && s.widget.kind !== 'legacy')
      .map((s) => ({
        name: s.widget.name,
        value: s.widget.kind === 'input' && s.widget.input?.kind === 'FLOAT' && typeof s.value === 'number' ? s.value.toFixed(floatDecimals(s.widget.input.step)) : s.value,
        button: s.widget.kind === 'upload' || s.widget.kind === 'button',
        multiline: s.widget.kind === 'input' && s.widget.input?.kind === 'STRING' && s.widget.input.multiline,
      }))
  }
  if (NOTE_TYPES.has(node.type)) return values.slice(0, 1).map((value) => ({ name: '', value, button: false, multiline: true }))
  const names = node.inputs.flatMap((input) => (input.widget === undefined ? [] : [input.widget]))
  const rows: WidgetRow[] = []
  let next = 0
  for (const name of names) {
    if (next >= values.length) break
    rows.push({ name, value: values[next++], button: false, multiline: false })
    // The seed widget's control_after_generate has no socket of its own:
    if ((name === 'seed' || name === 'noise_seed') && CONTROL_VALUES.has(values[next])) {
      rows.push({ name: 'control_after_generate', value: values[next++], button: false, multiline: false })
    }
  }
  for (; next < values.length; next++) rows.push({ name: '', value: values[next], button: false, multiline: false })
  return rows
}

// The editor shows a FLOAT with as many decimals as its step has (cfg 8.0, denoise 1.00):
function floatDecimals(step: number | undefined): number {
  const s = step !== undefined && step > 0 ? step : 0.5
  return Math.min(10, Math.max(0, -Math.floor(Math.log10(s))))
}

/** A widget value as one line of text. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value)
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? ''
  } catch {
    return String(value)
  }
}
