/**
 * The shapes `validate` returns: the server's own `{error, node_errors}` vocabulary plus locations and lint.
 * @module
 */
import type { IssuePath } from '../errors.js'
import type { ServerVersionChoice } from './server-version.js'

/** One error object exactly as ComfyUI sends it (`error` or an entry of `node_errors[id].errors`). */
export interface ServerError {
  readonly type: string
  readonly message: string
  readonly details: string
  readonly extra_info: Readonly<Record<string, unknown>>
}

/** `node_errors[id]` as ComfyUI sends it. */
export interface NodeError {
  readonly errors: readonly ServerError[]
  readonly dependent_outputs: readonly string[]
  readonly class_type: string
}

/** Body of a 200 answer to `POST /prompt`. */
export interface AcceptedBody {
  readonly prompt_id: string
  readonly number: number
  readonly node_errors: Readonly<Record<string, NodeError>>
}

/** Body of a 400 answer to `POST /prompt`. */
export interface RejectedBody {
  readonly error: ServerError
  /** Absent only for `no_prompt`. */
  readonly node_errors?: Readonly<Record<string, NodeError>>
}

/** The text/plain body ComfyUI's aiohttp sends with a 500 for malformed prompts. */
export const INTERNAL_SERVER_ERROR_TEXT = '500 Internal Server Error\n\nServer got itself in trouble'

/** Ids the server would assign to an accepted prompt (the caller's queue knows them). */
export interface ResponseIds {
  readonly promptId?: string
  readonly number?: number
}

/** A server error located in the prompt: which node, class and input, and the JSON path. */
export interface Issue {
  readonly severity: 'error'
  /** The server's error type (`required_input_missing`, `prompt_no_outputs`...). */
  readonly type: string
  readonly message: string
  readonly details: string
  readonly nodeId?: string
  readonly classType?: string
  readonly inputName?: string
  /** JSON path into the prompt (`["3", "inputs", "seed"]`); `[]` for the prompt as a whole. */
  readonly path: IssuePath
  readonly error: ServerError
}

/** A finding the server does not make (unreachable node, unknown input, step mismatch...): never in the verdict. */
export interface LintWarning {
  readonly severity: 'warning'
  readonly type: LintType
  readonly message: string
  readonly nodeId?: string
  readonly classType?: string
  readonly inputName?: string
  readonly path: IssuePath
}

export type LintType =
  | 'unreachable_node'
  | 'unknown_input'
  | 'hidden_input_given'
  | 'step_mismatch'
  | 'value_coerced'
  | 'deprecated_node'
  | 'experimental_node'
  | 'file_not_verified'
  | 'dependency_cycle'

export interface ValidateOptions {
  /**
   * The ComfyUI release to imitate (`"0.8.0"`); selects the differences between releases (unknown-class error
   * type, cycle handling). Default: the version recorded in the DefSet, else the one its object_info's keys tell
   * (see `chooseServerVersion`), else the latest known (0.26.0). `verdict.server` says which was used.
   */
  readonly serverVersion?: string
  /** The request's `partial_execution_targets`: only these output nodes are validated and run. */
  readonly partialExecutionTargets?: unknown
  /** Compute lint warnings (default true); they never change the verdict. */
  readonly lint?: boolean
  /**
   * Files loaded by nodes with a custom validator (LoadImage & co.) cannot be checked offline. `listed` (default):
   * a file exists when the server listed it in that input's options (input folder only; output and temp
   * folders are never listed, so annotated `[output]`/`[temp]` names count as missing). `assume-present`: every
   * string names an existing file, for LoadImage & co. and for model pickers (`ckpt_name`, `lora_name`...) alike,
   * e.g. to check a template against a snapshot taken on a server without models.
   */
  readonly files?: 'listed' | 'assume-present'
  /**
   * The order of the prompt's node ids in the JSON text. Python keeps it; JS objects put integer-like keys first.
   * It decides which node the "missing/unknown class" error names. Prompts read with `parsePythonJson` carry it.
   */
  readonly nodeOrder?: readonly string[]
}

/** The outcome of validating one prompt, as the server would decide it. */
export interface Verdict {
  /** True when the server would queue the prompt (HTTP 200), possibly with some outputs dropped. */
  readonly accepted: boolean
  readonly status: 200 | 400 | 500
  /** Output node ids that pass validation and would run. */
  readonly outputs: readonly string[]
  /** Output node ids that fail validation: the server drops them (silently when only a cycle is to blame). */
  readonly droppedOutputs: readonly string[]
  /** The top-level error of a 400 (or a description of why the server fails with 500). */
  readonly error?: ServerError
  /** `node_errors` exactly as the server would send it (also on 200 when some outputs were dropped). */
  readonly nodeErrors: Readonly<Record<string, NodeError>>
  /** Every server error with its location, in a stable order. */
  readonly issues: readonly Issue[]
  readonly warnings: readonly LintWarning[]
  /** The ComfyUI release whose behaviour was imitated, and how it was chosen. */
  readonly server: ServerVersionChoice
  /** The body the server would send: an object for 200/400, the plain text for 500. */
  response(ids?: ResponseIds): AcceptedBody | RejectedBody | string
}
