/**
 * One entry point for workflow files: JSON text in either format, an API prompt out.
 * @module
 */
import type { DefSet } from '../defs/model.js'
import type { ApiPrompt } from '../dsl/prompt.js'
import { parseJson } from '../json/lossless.js'
import { detectFormat, readApiPrompt, type WorkflowFormat } from './format.js'
import { uiToApi, type UiToApiOptions } from './ui-to-api.js'
import type { ConversionWarning } from './warnings.js'

export interface LoadedWorkflow {
  /** The format the text was in. */
  readonly format: WorkflowFormat
  /** The API prompt: the document itself (or a `POST /prompt` body's `prompt`), or the UI workflow converted. */
  readonly prompt: ApiPrompt
  readonly warnings: readonly ConversionWarning[]
}

/**
 * Parses workflow JSON text (integers above 2^53 kept exact) in API or UI format and returns the API prompt.
 * `defs` name the widget values of UI workflows. Throws {@link JsonParseError} or {@link WorkflowFormatError}
 * naming `options.file` and the JSON path.
 */
export function loadWorkflow(text: string, defs: DefSet, options: UiToApiOptions = {}): LoadedWorkflow {
  const file = options.file === undefined ? {} : { file: options.file }
  const json = parseJson(text, file)
  const format = detectFormat(json, file)
  if (format === 'api') return { format, prompt: readApiPrompt(json, file), warnings: [] }
  return { format, ...uiToApi(json, defs, options) }
}
