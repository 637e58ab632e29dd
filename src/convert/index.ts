/**
 * Workflow formats: tell API prompts from UI (litegraph) workflows, convert UI workflows to API prompts as the
 * editor does when queueing, and import API prompts as DSL node handles. Browser-safe.
 *
 * ```ts
 * const { format, prompt, warnings } = loadWorkflow(text, defs, { file: 'workflow.json' }) // API or UI text
 * const { nodes, roots } = importApiPrompt(prompt, { defs })  // DSL node handles, ids and titles pinned
 * toPrompt(...roots)                                          // the same prompt back
 * ```
 * @module
 */
export { detectFormat, readApiPrompt } from './format.js'
export type { FormatOptions, WorkflowFormat } from './format.js'
export { DEFAULT_VIRTUAL_TYPES, EDITOR_VIRTUAL_TYPES, uiToApi } from './ui-to-api.js'
export type { UiToApiOptions, UiToApiResult } from './ui-to-api.js'
export { loadWorkflow } from './load.js'
export type { LoadedWorkflow } from './load.js'
export { UI_VERSIONS } from './ui-read.js'
export { CONTROL_VALUES, editorWidgets, toWidgetsValues, walkEditorWidgets } from './editor-widgets.js'
export type { EditorWidget, EditorWidgetKind, Layout, WidgetVisitor } from './editor-widgets.js'
export { formatWarning } from './warnings.js'
export type { ConversionWarning, ConversionWarningCode } from './warnings.js'
export { resolveDynamicPrompt } from './dynamic-prompts.js'
export { importApiPrompt } from './import-api.js'
export type { ImportedGraph, ImportOptions } from './import-api.js'
