/**
 * JSON values as TypeScript source: bigints with `n`, keys quoted only when needed, lists unwrapped from
 * `{"__value__": [...]}` (toPrompt wraps them again).
 * @module
 */
import { propertyKey, quote } from '../names.js'

export function isWrappedList(value: unknown): value is { __value__: unknown[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    Array.isArray((value as { __value__?: unknown }).__value__)
  )
}

/** TypeScript source of a literal value. */
export function literalSource(value: unknown): string {
  if (value === null) return 'null'
  switch (typeof value) {
    case 'string':
      return quote(value)
    case 'bigint':
      return `${value}n`
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value)
    case 'boolean':
      return String(value)
  }
  if (isWrappedList(value)) return literalSource(value.__value__)
  if (Array.isArray(value)) return `[${value.map(literalSource).join(', ')}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${propertyKey(k)}: ${literalSource(v)}`)
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`
  }
  return 'undefined'
}
