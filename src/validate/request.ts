/**
 * `validateRequest(body, defs)`: the answer of ComfyUI's `POST /prompt` to a whole request body, not only to its
 * prompt. From `server.py` `post_prompt`, in its order:
 *
 * 1. the body is JSON (else HTTP 500);
 * 2. `"number" in body` → `float(body["number"])` (a string that is not a float, a list, `null`: 500), else the
 *    server's counter, negated when `body["front"]` is truthy; the counter moves on either way;
 * 3. no `"prompt"` → 400 `no_prompt` (a JSON list body counts as having none);
 * 4. v0.25+: a `prompt_id` that is not a canonical lowercase UUID → 400 `invalid_prompt_id` (before, any value was
 *    taken through `str()`, `null` becoming `"None"`);
 * 5. `validate_prompt(prompt, partial_execution_targets)` (see {@link validate});
 * 6. `extra_data` (default `{}`) gets `client_id` when the body has one, and on success `create_time`: an
 *    `extra_data` that is not an object then fails with HTTP 500, even for a prompt that failed validation;
 * 7. 200 `{prompt_id, number, node_errors}` or 400 `{error, node_errors}`.
 *
 * `in`, `[]`, `float()` and truthiness follow Python, so a string body or a list body behave as on the server.
 * @module
 */
import type { DefSet } from '../defs/model.js'
import { ComfyError, JsonDepthError, JsonIntegerTooLongError, type IssuePath } from '../errors.js'
import { assertJsonDepth } from '../json/depth.js'
import { parsePythonJson } from './python-json.js'
import { PyError, PyFloat, pyBool, pyContains, pyFloat, pyGetItem, pyKind, pyStr } from './python.js'
import * as E from './server-errors.js'
import { chooseServerVersion } from './server-version.js'
import { INTERNAL_SERVER_ERROR_TEXT, type ResponseIds, type ServerError, type ValidateOptions, type Verdict } from './types.js'
import { INTERNAL_SERVER_ERROR_TYPE, validate } from './validate.js'

/** Keys of `extra_data` the server moves out of the stored request (`execution.SENSITIVE_EXTRA_DATA_KEYS`). */
const SENSITIVE_EXTRA_DATA_KEYS = ['auth_token_comfy_org', 'api_key_comfy_org']

export interface RequestOptions extends Omit<ValidateOptions, 'partialExecutionTargets'> {
  /** The server's prompt counter (`PromptServer.number`) before this request (default 0). */
  readonly counter?: number
}

/** The verdict on a whole `POST /prompt` body. */
export interface RequestVerdict extends Verdict {
  /**
   * The queue priority the server gives the prompt: an explicit `number` as a Python float, else the counter
   * (negated with `front`). Undefined when the request failed before (HTTP 500).
   */
  readonly number?: number | PyFloat
  /** The server's counter after the request: it moves on unless the body gave a `number`. */
  readonly counterAfter: number
  /** The prompt id the body asked for, as the server reads it; undefined when the server mints one. */
  readonly promptId?: string
  /** What the server would store as the request's `extra_data` (on success, `create_time` aside). */
  readonly extraData?: Readonly<Record<string, unknown>>
}

/** Judges a request body given as text, read with Python's JSON rules (invalid JSON: HTTP 500, as on the server). */
export function validateRequestText(text: string, defs: DefSet, options: RequestOptions = {}): RequestVerdict {
  let body: unknown
  try {
    body = parsePythonJson(text)
  } catch (error) {
    return failed(pythonReadError(error), error instanceof ComfyError ? error.path : [], options.counter ?? 0, defs, options)
  }
  return validateRequest(body, defs, options)
}

// What `json.loads` raises on the server: RecursionError for deep nesting, ValueError for an integer too long to convert.
function pythonReadError(error: unknown): string {
  if (error instanceof JsonDepthError) return `RecursionError: maximum recursion depth exceeded while decoding a JSON document (${error.message})`
  if (error instanceof JsonIntegerTooLongError) {
    return `ValueError: Exceeds the limit (${error.limit} digits) for integer string conversion: value has ${error.digits} digits; use sys.set_int_max_str_digits() to increase the limit`
  }
  return `JSONDecodeError: ${(error as Error).message}`
}

/** Judges a parsed `POST /prompt` body as the server would. Never throws for any body. */
export function validateRequest(body: unknown, defs: DefSet, options: RequestOptions = {}): RequestVerdict {
  const counter = options.counter ?? 0
  // A body deeper than JSON text may be: the server's json.loads raises RecursionError before anything is read.
  try {
    assertJsonDepth(body)
  } catch (error) {
    if (error instanceof JsonDepthError) return failed(pythonReadError(error), error.path, counter, defs, options)
    throw error
  }
  const behaviour = chooseServerVersion(defs, options.serverVersion).behaviour
  let path: IssuePath = []
  let counterNow = counter
  try {
    // 2. The number, before anything else is looked at:
    let number: number | PyFloat
    let counterAfter = counter
    if (pyContains(body, 'number')) {
      path = ['number']
      number = new PyFloat(pyFloat(pyGetItem(body, 'number')))
    } else {
      number = counter
      if (pyContains(body, 'front')) {
        path = ['front']
        if (pyBool(pyGetItem(body, 'front'))) number = -counter
      }
      counterAfter = counter + 1
    }
    counterNow = counterAfter
    const base = { number, counterAfter }
    path = []
    if (!pyContains(body, 'prompt')) return rejectedEarly(E.noPrompt(), base, defs, options)
    path = ['prompt']
    const prompt = pyGetItem(body, 'prompt')
    // 4. The client's prompt id:
    path = ['prompt_id']
    const given = pyKind(body) === 'dict' ? (body as Record<string, unknown>)['prompt_id'] : undefined
    let promptId: string | undefined
    if (behaviour.canonicalPromptId) {
      if (given !== undefined && given !== null) {
        if (typeof given !== 'string' || !isCanonicalUuid(given)) return rejectedEarly(invalidPromptId(), base, defs, options, ['prompt_id'])
        promptId = given
      }
    } else if (pyKind(body) === 'dict' && Object.hasOwn(body as object, 'prompt_id')) {
      promptId = pyStr(given)
    }
    // 5. The prompt:
    path = []
    const targets = pyContains(body, 'partial_execution_targets') ? pyGetItem(body, 'partial_execution_targets') : undefined
    const verdict = validate(prompt, defs, { ...options, ...(targets === undefined ? {} : { partialExecutionTargets: targets }) })
    if (verdict.status === 500) return { ...verdict, ...base, issues: reprefix(verdict, ['prompt']) }
    // 6. extra_data, also when the prompt failed:
    path = ['extra_data']
    let extraData: unknown = pyContains(body, 'extra_data') ? pyGetItem(body, 'extra_data') : {}
    if (pyContains(body, 'client_id')) extraData = pySetItem(extraData, 'client_id', pyGetItem(body, 'client_id'))
    if (!verdict.accepted) return { ...verdict, ...base, issues: reprefix(verdict, ['prompt']), ...(promptId === undefined ? {} : { promptId }) }
    for (const key of SENSITIVE_EXTRA_DATA_KEYS) {
      if (pyContains(extraData, key)) extraData = withoutKey(extraData, key)
    }
    // The server stamps create_time here, which fails for anything but an object:
    pySetItem(extraData, 'create_time', 0)
    const stored = extraData as Record<string, unknown>
    return {
      ...verdict,
      ...base,
      issues: reprefix(verdict, ['prompt']),
      extraData: stored,
      ...(promptId === undefined ? {} : { promptId }),
      response: (ids: ResponseIds = {}) => ({
        prompt_id: promptId ?? ids.promptId ?? globalThis.crypto.randomUUID(),
        number: ids.number ?? (number instanceof PyFloat ? number.value : number),
        node_errors: verdict.nodeErrors,
      }),
    }
  } catch (error) {
    if (!(error instanceof PyError)) throw error
    return failed(`${error.type}: ${error.message}`, path, counterNow, defs, options)
  }
}

/** `str(uuid.UUID(value)) == value`: the canonical lowercase hyphenated form. */
export function isCanonicalUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)
}

function invalidPromptId(): ServerError {
  return {
    type: 'invalid_prompt_id',
    message: 'prompt_id must be a valid UUID',
    details: 'prompt_id must be a UUID string in canonical lowercase hyphenated form; omit it to let the server generate one',
    extra_info: {},
  }
}

// `container[key] = value` on a copy: only a dict takes a string key.
function pySetItem(container: unknown, key: string, value: unknown): Record<string, unknown> {
  const kind = pyKind(container)
  if (kind === 'dict') {
    const copy = { ...(container as Record<string, unknown>) }
    Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true })
    return copy
  }
  if (kind === 'list') throw new PyError('TypeError', 'list indices must be integers or slices, not str')
  if (kind === 'str') throw new PyError('TypeError', "'str' object does not support item assignment")
  throw new PyError('TypeError', `'${kind}' object does not support item assignment`)
}

function withoutKey(container: unknown, key: string): unknown {
  if (pyKind(container) !== 'dict') throw new PyError('AttributeError', `'${pyKind(container)}' object has no attribute 'pop'`)
  const { [key]: _removed, ...rest } = container as Record<string, unknown>
  return rest
}

function reprefix(verdict: Verdict, prefix: IssuePath): Verdict['issues'] {
  return verdict.issues.map((issue) => ({ ...issue, path: [...prefix, ...issue.path] }))
}

function rejectedEarly(
  error: ServerError,
  base: { number: number | PyFloat; counterAfter: number },
  defs: DefSet,
  options: RequestOptions,
  path: IssuePath = [],
): RequestVerdict {
  return {
    accepted: false,
    status: 400,
    outputs: [],
    droppedOutputs: [],
    error,
    nodeErrors: {},
    issues: [{ severity: 'error', type: error.type, message: error.message, details: error.details, path, error }],
    warnings: [],
    server: chooseServerVersion(defs, options.serverVersion),
    ...base,
    response: () => ({ error, node_errors: {} }),
  }
}

function failed(details: string, path: IssuePath, counter: number, defs: DefSet, options: RequestOptions): RequestVerdict {
  const error: ServerError = {
    type: INTERNAL_SERVER_ERROR_TYPE,
    message: 'Internal Server Error: the request makes the server raise while reading it',
    details,
    extra_info: {},
  }
  return {
    accepted: false,
    status: 500,
    outputs: [],
    droppedOutputs: [],
    error,
    nodeErrors: {},
    issues: [{ severity: 'error', type: error.type, message: error.message, details, path, error }],
    warnings: [],
    server: chooseServerVersion(defs, options.serverVersion),
    counterAfter: counter,
    response: () => INTERNAL_SERVER_ERROR_TEXT,
  }
}
