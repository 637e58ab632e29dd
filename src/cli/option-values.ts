/**
 * Option values the commands share: repeatable options, `--header`, counts and durations. Each parser names the
 * flag in its message, as the CLI conventions ask.
 * @module
 */
import { InvalidArgumentError } from '../errors.js'

/** Commander's accumulator of a repeatable option (`--input a --input b`); pair it with the default `[]`. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

/** `--header "Name: value"` values as headers (names lower-cased); a malformed one never shows its value. */
export function parseHeaders(values: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const value of values) {
    const colon = value.indexOf(':')
    if (colon <= 0) throw new InvalidArgumentError('--header: expected "Name: value" (the value is not shown)')
    headers[value.slice(0, colon).trim().toLowerCase()] = value.slice(colon + 1).trim()
  }
  return headers
}

/** A positive integer flag, `undefined` when it was not given. */
export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag}: expected a positive integer, received ${JSON.stringify(value)}`)
  return n
}

/** A number of seconds (fractions allowed), in ms; 0 only where `zero` allows it. */
export function seconds(value: string, flag: string, zero = false): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n < 0 || (!zero && n === 0)) throw new InvalidArgumentError(`${flag}: expected a positive number of seconds, received ${JSON.stringify(value)}`)
  return Math.round(n * 1000)
}
