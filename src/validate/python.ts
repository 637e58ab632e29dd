/**
 * The few Python semantics ComfyUI's validation depends on, applied to JSON values: `int()`, `float()`,
 * `str()`, `bool()`, `==`, `<`, `in` and `[]`. A failing operation throws {@link PyError}, which the
 * validator turns into the error the server would report; it never escapes `validate`.
 * @module
 */

/** A Python float whose value is integral (`5.0`), as read by `parsePythonJson`; plain numbers lose that. */
export class PyFloat {
  constructor(readonly value: number) {}

  toJSON(): number {
    return this.value
  }
}

/** A Python exception raised while emulating the server: `type` is the Python class name. */
export class PyError extends Error {
  constructor(
    readonly type: 'TypeError' | 'ValueError' | 'KeyError' | 'IndexError' | 'AttributeError' | 'OverflowError' | 'RecursionError',
    message: string,
  ) {
    super(message)
    this.name = type
  }
}

export type PyKind = 'NoneType' | 'bool' | 'int' | 'float' | 'str' | 'list' | 'dict'

const TWO_POW_53 = 2 ** 53

/** The Python type a JSON value has after `json.loads` (integral numbers are ints unless wrapped in PyFloat). */
export function pyKind(value: unknown): PyKind {
  if (value === null || value === undefined) return 'NoneType'
  switch (typeof value) {
    case 'boolean':
      return 'bool'
    case 'bigint':
      return 'int'
    case 'number':
      // JSON integers beyond 2^53 arrive as bigint, so an integral number that large came from a float token:
      return Number.isInteger(value) && Math.abs(value) < TWO_POW_53 ? 'int' : 'float'
    case 'string':
      return 'str'
    default:
      if (value instanceof PyFloat) return 'float'
      return Array.isArray(value) ? 'list' : 'dict'
  }
}

/** A numeric value as a JS number or bigint (bool is an int in Python); undefined for non-numbers. */
function numeric(value: unknown): number | bigint | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return value
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value instanceof PyFloat) return value.value
  return undefined
}

// Python's str.isspace() characters (str.strip() with no argument removes exactly these):
const PY_SPACE =
  '\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000'
const PY_SPACE_SET = new Set(PY_SPACE)

export function pyStrip(text: string): string {
  let start = 0
  let end = text.length
  while (start < end && PY_SPACE_SET.has(text[start] as string)) start++
  while (end > start && PY_SPACE_SET.has(text[end - 1] as string)) end--
  return text.slice(start, end)
}

// Unicode decimal digits come in runs of ten starting at zero; their value is the offset within the run:
const DECIMAL_DIGIT = /\p{Nd}/u
function asciiDigits(text: string): string | undefined {
  let out = ''
  for (const char of text) {
    const code = char.codePointAt(0) as number
    if (code < 128) {
      out += char
      continue
    }
    if (!DECIMAL_DIGIT.test(char)) return undefined
    let zero = code
    while (zero > 0 && DECIMAL_DIGIT.test(String.fromCodePoint(zero - 1))) zero--
    out += String((code - zero) % 10)
  }
  return out
}

const INT_LITERAL = /^[+-]?\d+(?:_\d+)*$/
// CPython refuses to convert strings with more digits than this (sys.get_int_max_str_digits()):
const INT_MAX_STR_DIGITS = 4300

/** Python `int(value)` for a JSON value. */
export function pyInt(value: unknown): bigint {
  switch (pyKind(value)) {
    case 'bool':
      return value ? 1n : 0n
    case 'int':
      return typeof value === 'bigint' ? value : BigInt(value as number)
    case 'float': {
      const x = numeric(value) as number
      if (Number.isNaN(x)) throw new PyError('ValueError', 'cannot convert float NaN to integer')
      if (!Number.isFinite(x)) throw new PyError('OverflowError', 'cannot convert float infinity to integer')
      return BigInt(Math.trunc(x))
    }
    case 'str': {
      const text = value as string
      const ascii = asciiDigits(pyStrip(text))
      if (ascii === undefined || !INT_LITERAL.test(ascii)) {
        throw new PyError('ValueError', `invalid literal for int() with base 10: ${pyRepr(text)}`)
      }
      const digits = ascii.replace(/[+_-]/g, '')
      if (digits.length > INT_MAX_STR_DIGITS) {
        throw new PyError(
          'ValueError',
          `Exceeds the limit (${INT_MAX_STR_DIGITS} digits) for integer string conversion: value has ${digits.length} digits; use sys.set_int_max_str_digits() to increase the limit`,
        )
      }
      return BigInt(ascii.replace(/_/g, ''))
    }
    default:
      throw new PyError(
        'TypeError',
        `int() argument must be a string, a bytes-like object or a real number, not '${pyKind(value)}'`,
      )
  }
}

const FLOAT_LITERAL = /^[+-]?(?:(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+(?:_\d+)*)?)$/
const FLOAT_SPECIAL = /^([+-]?)(inf|infinity|nan)$/i
const MAX_FLOAT_INT = 2n ** 1024n

/** Python `float(value)` for a JSON value. */
export function pyFloat(value: unknown): number {
  const kind = pyKind(value)
  if (kind === 'bool' || kind === 'float') return numeric(value) as number
  if (kind === 'int') {
    if (typeof value !== 'bigint') return value as number
    const magnitude = value < 0n ? -value : value
    // Values that round up to 2^1024 overflow too; CPython's check is on the rounded result:
    const converted = Number(value)
    if (magnitude >= MAX_FLOAT_INT || !Number.isFinite(converted)) {
      throw new PyError('OverflowError', 'int too large to convert to float')
    }
    return converted
  }
  if (kind === 'str') {
    const stripped = asciiDigits(pyStrip(value as string))
    if (stripped !== undefined) {
      const special = FLOAT_SPECIAL.exec(stripped)
      if (special) {
        if (special[2]?.toLowerCase() === 'nan') return Number.NaN
        return special[1] === '-' ? -Infinity : Infinity
      }
      if (FLOAT_LITERAL.test(stripped)) return Number(stripped.replace(/_/g, ''))
    }
    throw new PyError('ValueError', `could not convert string to float: ${pyRepr(value as string)}`)
  }
  throw new PyError('TypeError', `float() argument must be a string or a real number, not '${kind}'`)
}

/** Python `bool(value)`: truthiness. */
export function pyBool(value: unknown): boolean {
  switch (pyKind(value)) {
    case 'NoneType':
      return false
    case 'bool':
      return value as boolean
    case 'int':
    case 'float': {
      const x = numeric(value) as number | bigint
      // NaN is truthy in Python (it is not equal to zero):
      return typeof x === 'bigint' ? x !== 0n : x !== 0
    }
    case 'str':
      return (value as string).length > 0
    case 'list':
      return (value as unknown[]).length > 0
    default:
      return Object.keys(value as object).length > 0
  }
}

/** Python `str(value)`. `asFloat` formats an integral number as a float (`5.0`), for values `float()` made. */
export function pyStr(value: unknown, asFloat = false): string {
  if (typeof value === 'string') return value
  return pyRepr(value, asFloat)
}

// Deeper structures are elided (Python itself would hit its recursion limit printing them):
const REPR_DEPTH_LIMIT = 100

/** Python `repr(value)`. */
export function pyRepr(value: unknown, asFloat = false, depth = 0): string {
  switch (pyKind(value)) {
    case 'NoneType':
      return 'None'
    case 'bool':
      return value ? 'True' : 'False'
    case 'int':
      if (asFloat) return floatRepr(Number(value))
      return typeof value === 'bigint' ? value.toString() : String(value)
    case 'float':
      return floatRepr(numeric(value) as number)
    case 'str':
      return stringRepr(value as string)
    case 'list':
      if (depth >= REPR_DEPTH_LIMIT) return '[...]'
      return `[${(value as unknown[]).map((item) => pyRepr(item, false, depth + 1)).join(', ')}]`
    default:
      if (depth >= REPR_DEPTH_LIMIT) return '{...}'
      return `{${Object.entries(value as object)
        .map(([key, item]) => `${stringRepr(key)}: ${pyRepr(item, false, depth + 1)}`)
        .join(', ')}}`
  }
}

/** Python's shortest round-trip float repr: `1.0`, `1e+20`, `1e-05`, `nan`, `inf`. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan'
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  const [mantissa, exponentText] = x.toExponential().split('e') as [string, string]
  const exponent = Number(exponentText)
  const sign = mantissa.startsWith('-') ? '-' : ''
  const digits = mantissa.replace(/^-/, '').replace('.', '')
  if (exponent < -4 || exponent >= 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    const expSign = exponent < 0 ? '-' : '+'
    return `${sign}${body}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0')
  const fraction = digits.slice(exponent + 1)
  return `${sign}${whole}.${fraction === '' ? '0' : fraction}`
}

const NON_PRINTABLE = /[\p{C}\p{Z}]/u

function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  let out = quote
  for (const char of text) {
    const code = char.codePointAt(0) as number
    if (char === quote || char === '\\') out += `\\${char}`
    else if (char === '\n') out += '\\n'
    else if (char === '\r') out += '\\r'
    else if (char === '\t') out += '\\t'
    else if (char !== ' ' && NON_PRINTABLE.test(char)) {
      if (code < 0x100) out += `\\x${code.toString(16).padStart(2, '0')}`
      else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`
      else out += `\\U${code.toString(16).padStart(8, '0')}`
    } else out += char
  }
  return out + quote
}

/** Python `a == b` for JSON values (`1 == 1.0 == True`, lists and dicts by content). */
export function pyEquals(a: unknown, b: unknown): boolean {
  const na = numeric(a)
  const nb = numeric(b)
  if (na !== undefined || nb !== undefined) {
    if (na === undefined || nb === undefined) return false
    // == between bigint and number compares the mathematical values:
    return na == nb
  }
  const ka = pyKind(a)
  if (ka !== pyKind(b)) return false
  if (ka === 'NoneType') return true
  if (ka === 'str') return a === b
  if (ka === 'list') {
    const la = a as unknown[]
    const lb = b as unknown[]
    return la.length === lb.length && la.every((item, i) => pyEquals(item, lb[i]))
  }
  const oa = a as Record<string, unknown>
  const ob = b as Record<string, unknown>
  const keys = Object.keys(oa)
  return keys.length === Object.keys(ob).length && keys.every((k) => Object.hasOwn(ob, k) && pyEquals(oa[k], ob[k]))
}

/** Python `value in options` (identity or equality with each member). */
export function pyIn(value: unknown, options: readonly unknown[]): boolean {
  for (const option of options) if (option === value || pyEquals(value, option)) return true
  return false
}

/** Python `a < b` (`op` '<') or `a > b` (`op` '>'); unorderable types raise TypeError. */
export function pyCompare(a: unknown, op: '<' | '>', b: unknown): boolean {
  const na = numeric(a)
  const nb = numeric(b)
  if (na !== undefined && nb !== undefined) return op === '<' ? na < nb : na > nb
  const ka = pyKind(a)
  const kb = pyKind(b)
  if (ka === 'str' && kb === 'str') {
    const c = compareCodePoints(a as string, b as string)
    return op === '<' ? c < 0 : c > 0
  }
  if (ka === 'list' && kb === 'list') {
    const la = a as unknown[]
    const lb = b as unknown[]
    for (let i = 0; i < Math.min(la.length, lb.length); i++) {
      if (!pyEquals(la[i], lb[i])) return pyCompare(la[i], op, lb[i])
    }
    return op === '<' ? la.length < lb.length : la.length > lb.length
  }
  throw new PyError('TypeError', `'${op}' not supported between instances of '${ka}' and '${kb}'`)
}

function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0
  const ia = a[Symbol.iterator]()
  const ib = b[Symbol.iterator]()
  for (;;) {
    const ca = ia.next()
    const cb = ib.next()
    if (ca.done || cb.done) return ca.done ? (cb.done ? 0 : -1) : 1
    const diff = (ca.value.codePointAt(0) as number) - (cb.value.codePointAt(0) as number)
    if (diff !== 0) return diff
  }
}

function isHashable(kind: PyKind): boolean {
  return kind !== 'list' && kind !== 'dict'
}

/** Python `key in container` for dicts (key lookup), lists (equality) and strings (substring). */
export function pyContains(container: unknown, key: unknown): boolean {
  const kind = pyKind(container)
  if (kind === 'dict') {
    const keyKind = pyKind(key)
    if (!isHashable(keyKind)) throw new PyError('TypeError', `unhashable type: '${keyKind}'`)
    return typeof key === 'string' && Object.hasOwn(container as object, key)
  }
  if (kind === 'list') return pyIn(key, container as unknown[])
  if (kind === 'str') {
    if (typeof key !== 'string') {
      throw new PyError('TypeError', `'in <string>' requires string as left operand, not ${pyKind(key)}`)
    }
    return (container as string).includes(key)
  }
  throw new PyError('TypeError', `argument of type '${kind}' is not iterable`)
}

/** The position an integer-like Python index selects in a sequence of `length`, or undefined when out of range. */
function sequenceIndex(key: unknown, length: number, what: string, kind: PyKind): number | undefined {
  const keyKind = pyKind(key)
  if (keyKind !== 'int' && keyKind !== 'bool') {
    const message =
      kind === 'str'
        ? `string indices must be integers, not '${keyKind}'`
        : `${what} indices must be integers or slices, not ${keyKind}`
    throw new PyError('TypeError', message)
  }
  const raw = numeric(key) as number | bigint
  const index = typeof raw === 'bigint' ? (raw >= -(2n ** 53n) && raw <= 2n ** 53n ? Number(raw) : Infinity) : raw
  const position = index < 0 ? length + index : index
  return position >= 0 && position < length ? position : undefined
}

/** Python `container[key]` for a dict, list or string. */
export function pyGetItem(container: unknown, key: unknown): unknown {
  const kind = pyKind(container)
  if (kind === 'dict') {
    const keyKind = pyKind(key)
    if (!isHashable(keyKind)) throw new PyError('TypeError', `unhashable type: '${keyKind}'`)
    if (typeof key === 'string' && Object.hasOwn(container as object, key)) {
      return (container as Record<string, unknown>)[key]
    }
    throw new PyError('KeyError', pyRepr(key))
  }
  if (kind === 'list' || kind === 'str') {
    const sequence = container as readonly unknown[] | string
    const position = sequenceIndex(key, sequence.length, 'list', kind)
    if (position === undefined) {
      throw new PyError('IndexError', `${kind === 'str' ? 'string' : 'list'} index out of range`)
    }
    return sequence[position]
  }
  throw new PyError('TypeError', `'${kind}' object is not subscriptable`)
}

/**
 * Python `sequence[key]` on RETURN_TYPES indexed by a link's slot: a tuple for classic nodes, a list for V3 nodes
 * (their schema builds RETURN_TYPES as a list), which changes the error text.
 */
export function pyTupleItem<T>(tuple: readonly T[], key: unknown, kind: 'tuple' | 'list' = 'tuple'): T {
  const position = sequenceIndex(key, tuple.length, kind, 'list')
  if (position === undefined) throw new PyError('IndexError', `${kind} index out of range`)
  return tuple[position] as T
}

