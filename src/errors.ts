/**
 * One base error class and the subclasses every part of comfy-dsl throws.
 * Each error carries structured data first (where, what was expected); the message is derived from it.
 * @module
 */

/** A location inside a document: JSON path segments such as `['5', 'inputs', 'seed']`. */
export type IssuePath = readonly (string | number)[]

export interface ComfyErrorOptions extends ErrorOptions {
  /** Where the problem is, as a JSON path into the document at hand. */
  readonly path?: IssuePath
  /** The file the document came from, when there is one. */
  readonly file?: string
}

/** Base class of every error comfy-dsl throws on purpose. */
export class ComfyError extends Error {
  readonly path: IssuePath
  readonly file: string | undefined

  constructor(message: string, options: ComfyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.path = options.path ?? []
    this.file = options.file
  }

  /** `file: $.a.b` style location, or '' when nothing is known. */
  get location(): string {
    return formatLocation(this.path, this.file)
  }
}

/** `file: $.a.b`, `$.a.b`, `file` or '' depending on what is known. */
export function formatLocation(path: IssuePath | undefined, file: string | undefined): string {
  const where = path !== undefined && path.length > 0 ? formatPath(path) : ''
  if (file !== undefined) return where ? `${file}: ${where}` : file
  return where
}

/** Formats a path as a JSONPath-like string: `$["5"].inputs.seed`. */
export function formatPath(path: IssuePath): string {
  let out = '$'
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += `.${seg}`
    else out += `[${JSON.stringify(seg)}]`
  }
  return out
}

/** Text that is not valid JSON. */
export class JsonParseError extends ComfyError {
  constructor(
    readonly detail: string,
    readonly line: number,
    readonly column: number,
    options: ComfyErrorOptions = {},
  ) {
    super(`${options.file ?? 'JSON'}:${line}:${column}: invalid JSON: ${detail}`, options)
  }
}

/** How deep JSON may nest before a document is refused (Python's `json.loads` gives up near the same depth). */
export const MAX_JSON_DEPTH = 1000
/** The most digits an integer may have (Python's `int` refuses longer ones: `sys.get_int_max_str_digits()`). */
export const MAX_INTEGER_DIGITS = 4300

/**
 * A document (JSON text, or a value a caller built) that nests deeper than {@link MAX_JSON_DEPTH} levels: refused
 * before any code walks it recursively. `path` leads to the first container past the limit; `line` and `column`
 * are known when the document was text.
 */
export class JsonDepthError extends ComfyError {
  constructor(
    readonly limit: number,
    options: ComfyErrorOptions & { readonly line?: number; readonly column?: number } = {},
  ) {
    const at = options.line === undefined ? '' : `:${options.line}:${options.column ?? 0}`
    const where = `${options.file ?? 'JSON'}${at}: ${formatLongPath(options.path ?? [])}`
    super(`${where}: nested deeper than ${limit} levels`, options)
    this.line = options.line
    this.column = options.column
  }

  readonly line: number | undefined
  readonly column: number | undefined
}

/** JSON text with an integer longer than {@link MAX_INTEGER_DIGITS} digits (converting it would take quadratic time). */
export class JsonIntegerTooLongError extends JsonParseError {
  constructor(
    readonly digits: number,
    readonly limit: number,
    line: number,
    column: number,
    options: ComfyErrorOptions = {},
  ) {
    super(`${formatLongPath(options.path ?? [])}: an integer of ${digits} digits (at most ${limit} are read)`, line, column, options)
  }
}

// A path of a thousand segments would bury the message: its start and end are what tell where it is.
function formatLongPath(path: IssuePath): string {
  if (path.length <= 12) return formatPath(path)
  const head = formatPath(path.slice(0, 6))
  const tail = formatPath(path.slice(-4)).slice(1)
  return `${head}…(${path.length - 10} more)…${tail}`
}

/** A node definition in /object_info that does not have the expected shape. */
export class ObjectInfoError extends ComfyError {
  constructor(
    readonly classType: string,
    readonly inputName: string | undefined,
    readonly field: string | undefined,
    readonly expected: string,
    readonly received: unknown,
    options: ComfyErrorOptions = {},
  ) {
    const where = [`class "${classType}"`]
    if (inputName !== undefined) where.push(`input "${inputName}"`)
    if (field !== undefined) where.push(`field "${field}"`)
    super(`object_info: ${where.join(', ')}: expected ${expected}, received ${describeValue(received)}`, options)
  }
}

/** A document given as `/object_info` that is something else (a workflow, a prompt, a list...). */
export class NotObjectInfoError extends ComfyError {
  constructor(
    readonly reason: string,
    options: ComfyErrorOptions = {},
  ) {
    super(`${options.file ?? 'the document'} is not an /object_info response: ${reason}`, options)
  }
}

/** A class type that the node definitions in use do not know. */
export class UnknownNodeClassError extends ComfyError {
  constructor(
    readonly classType: string,
    readonly suggestions: readonly string[],
    options: ComfyErrorOptions = {},
  ) {
    const hint = suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : ''
    super(`unknown node class "${classType}"${hint}`, options)
  }
}

/** A graph that cannot be turned into API JSON (NaN, a function, a cycle, a clashing pinned id...). */
export class SerializationError extends ComfyError {
  constructor(
    readonly nodeId: string | undefined,
    readonly inputName: string | undefined,
    readonly reason: string,
    options: ComfyErrorOptions = {},
  ) {
    const where: string[] = []
    if (nodeId !== undefined) where.push(`node "${nodeId}"`)
    if (inputName !== undefined) where.push(`input "${inputName}"`)
    super(where.length > 0 ? `${where.join(', ')}: ${reason}` : reason, options)
  }
}

/** A JSON document that is neither an API prompt nor a UI workflow, or one this version cannot read. */
export class WorkflowFormatError extends ComfyError {
  constructor(
    readonly reason: string,
    options: ComfyErrorOptions = {},
  ) {
    const where = formatLocation(options.path, options.file)
    super(where ? `${where}: ${reason}` : reason, options)
  }
}

/** Committed generated code that no longer matches what the generator produces. */
export class StaleGeneratedCodeError extends ComfyError {
  constructor(readonly staleFiles: readonly string[]) {
    super(
      `generated files are stale: ${staleFiles.join(', ')}; run the generator without --check to update them`,
    )
  }
}

/** Options or parameters that a function or template does not accept. */
export class InvalidArgumentError extends ComfyError {}

/**
 * A node factory called (from JavaScript, or through `any`) with an input its class does not have, or with
 * `undefined` where a required input has no default: caught at the call instead of pruning the graph silently.
 */
export class NodeInputError extends InvalidArgumentError {
  constructor(
    readonly classType: string,
    readonly inputName: string,
    readonly reason: string,
  ) {
    super(`${classType}: input "${inputName}": ${reason}`)
  }
}

/** Short, bounded description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'symbol') return 'a symbol'
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  let text: string
  try {
    // Written only as far as the message shows it: a huge value costs no more than a small one.
    text = boundedJson(value, DESCRIBE_LIMIT) ?? JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value)
  } catch {
    text = Object.prototype.toString.call(value)
  }
  return text.length > DESCRIBE_LIMIT ? `${text.slice(0, DESCRIBE_LIMIT - 3)}...` : text
}

const DESCRIBE_LIMIT = 80

/**
 * What `JSON.stringify` (bigints as "5n") writes for plain JSON-like values, cut once it is longer than `limit`;
 * undefined for values it does not imitate (objects with toJSON or class instances), left to JSON.stringify.
 */
function boundedJson(value: unknown, limit: number): string | undefined {
  const out: string[] = []
  let length = 0
  const emit = (text: string): boolean => {
    out.push(text)
    length += text.length
    return length <= limit
  }
  // Each level writes at least one character, so the recursion ends within `limit` levels:
  const write = (v: unknown, inArray: boolean): boolean | undefined => {
    switch (typeof v) {
      case 'string':
        return emit(JSON.stringify(v.length > limit ? v.slice(0, limit + 2) : v))
      case 'number':
        return emit(Number.isFinite(v) ? String(v) : 'null')
      case 'boolean':
        return emit(String(v))
      case 'bigint':
        return emit(JSON.stringify(`${v}n`))
      case 'undefined':
      case 'function':
      case 'symbol':
        return inArray ? emit('null') : true
      default:
        break
    }
    if (v === null) return emit('null')
    const object = v as Record<string, unknown>
    if (typeof object['toJSON'] === 'function') return undefined
    if (Array.isArray(object)) {
      if (!emit('[')) return false
      for (let i = 0; i < object.length; i++) {
        if (i > 0 && !emit(',')) return false
        const done = write(object[i], true)
        if (done !== true) return done
      }
      return emit(']')
    }
    const proto = Object.getPrototypeOf(object) as unknown
    if (proto !== Object.prototype && proto !== null) return undefined
    if (!emit('{')) return false
    let first = true
    for (const key of Object.keys(object)) {
      const item = object[key]
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue
      if (!first && !emit(',')) return false
      first = false
      if (!emit(`${JSON.stringify(key)}:`)) return false
      const done = write(item, false)
      if (done !== true) return done
    }
    return emit('}')
  }
  const result = write(value, false)
  return result === undefined ? undefined : out.join('')
}
