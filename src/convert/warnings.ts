/**
 * Conversion warnings: what the converter did that the user may want to know about, with where it happened.
 * @module
 */
import { formatLocation, type IssuePath } from '../errors.js'

export type ConversionWarningCode =
  /** A link id or link origin that is not in the workflow; the input is treated as unconnected. */
  | 'dangling_link'
  /** A bypassed node with no input that fits the output type; the input is left unconnected. */
  | 'bypass_unresolved'
  /** A class the definitions lack; the node is written with the widget names the file gives, if any. */
  | 'unknown_class'
  /** Widget values of an unknown class that could not be named; they are left out. */
  | 'widgets_unmapped'
  /** Fewer widget values than the definition has widgets; the defaults are used, as the editor does. */
  | 'widget_default_used'
  /** A widget with no value and no default; the input is left out. */
  | 'widget_value_missing'
  /** The widget values fit an older editor's layout, which was used. */
  | 'widget_layout_legacy'
  /** A `{a|b}` group in a dynamic-prompt text was resolved at random, as the editor does. */
  | 'dynamic_prompt_randomized'
  /** A `%date:...%` pattern took the current date and time, as the editor does. */
  | 'date_in_text'
  /** A legacy group node whose inner classes are unknown; its nodes are left out. */
  | 'group_node_unavailable'
  /** A primitive node feeds an input whose widget the node does not have; the editor drops the value. */
  | 'primitive_unapplied'
  /** A document without a `nodes` list: the editor loads nothing and queues an empty prompt. */
  | 'no_nodes'
  /** An API prompt value that cannot be carried by a DSL node handle and was dropped on import. */
  | 'import_dropped'

export interface ConversionWarning {
  readonly code: ConversionWarningCode
  readonly message: string
  /** JSON path in the source document. */
  readonly path: IssuePath
  /** Execution id of the node concerned (`"5"`, `"58:43"`), when there is one. */
  readonly nodeId?: string
}

export type WarningSink = (warning: ConversionWarning) => void

/** `file: $.nodes[3]: message` */
export function formatWarning(warning: ConversionWarning, file?: string): string {
  const where = formatLocation(warning.path, file)
  return where ? `${where}: ${warning.message}` : warning.message
}
