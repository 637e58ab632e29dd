/**
 * JSON text as Python's `json.dumps` writes it (what aiohttp and ComfyUI send): `", "` and `": "` separators,
 * non-ASCII escaped, floats that are whole written `1.0`. JavaScript numbers cannot tell `1` from `1.0`, so
 * values the server sends as floats are wrapped in `PyFloat` (as `parsePythonJson` reads them); objects read by
 * `parsePythonJson` keep their key order.
 * @module
 */

import { keyOrderOf, PyFloat } from '../validate/index.js'

/** A number Python holds as a float (`1.0`). */
export function pyFloat(value: number): PyFloat {
  return new PyFloat(value)
}

export function pyDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false'
    case 'bigint':
      return value.toString()
    case 'number':
      return Number.isInteger(value) ? String(value) : floatRepr(value)
    case 'string':
      return pyString(value)
    default:
      break
  }
  if (value instanceof PyFloat) return floatRepr(value.value)
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${value.map(pyDumps).join(', ')}]`
  const object = value as Record<string, unknown>
  const keys = keyOrderOf(object) ?? Object.keys(object)
  const entries = keys.map((k) => [k, object[k]] as const).filter(([, v]) => v !== undefined)
  if (entries.length === 0) return '{}'
  return `{${entries.map(([k, v]) => `${pyString(k)}: ${pyDumps(v)}`).join(', ')}}`
}

function floatRepr(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity'
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return `${value}.0`
  // Python writes exponents with at least two digits and a sign: 1e-07, 1e+16.
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2').replace(/e(\d)/, 'e+$1')
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
}

function pyString(text: string): string {
  let out = '"'
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string
    const code = text.charCodeAt(i)
    const escape = ESCAPES[ch]
    if (escape !== undefined) out += escape
    else if (code < 0x20 || code > 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return `${out}"`
}
