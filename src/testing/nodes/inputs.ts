/**
 * Reading node inputs with the errors a Python node would raise when a value has the wrong type.
 * @module
 */
import type { Latent, Mask, Pixels } from '../pixels.js'
import { NodeException } from './types.js'

type Inputs = Readonly<Record<string, unknown>>

export function inputNumber(inputs: Inputs, name: string, fallback?: number): number {
  const value = inputs[name] ?? fallback
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number(value)
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value)
  throw new NodeException('TypeError', `input '${name}' must be a number, got ${describe(value)}`)
}

export function inputString(inputs: Inputs, name: string, fallback?: string): string {
  const value = inputs[name] ?? fallback
  if (value === undefined) throw new NodeException('TypeError', `missing input '${name}'`)
  return typeof value === 'string' ? value : String(value)
}

export function inputBoolean(inputs: Inputs, name: string, fallback = false): boolean {
  const value = inputs[name]
  return value === undefined ? fallback : Boolean(value)
}

export function inputImage(inputs: Inputs, name: string): Pixels {
  return ofKind<Pixels>(inputs, name, 'image', 'IMAGE')
}

export function inputMask(inputs: Inputs, name: string): Mask {
  return ofKind<Mask>(inputs, name, 'mask', 'MASK')
}

export function optionalMask(inputs: Inputs, name: string): Mask | undefined {
  return inputs[name] === undefined || inputs[name] === null ? undefined : inputMask(inputs, name)
}

export function inputLatent(inputs: Inputs, name: string): Latent {
  return ofKind<Latent>(inputs, name, 'latent', 'LATENT')
}

function ofKind<T>(inputs: Inputs, name: string, kind: string, type: string): T {
  const value = inputs[name] as { kind?: unknown } | undefined
  if (typeof value === 'object' && value !== null && value.kind === kind) return value as T
  throw new NodeException('AttributeError', `input '${name}' must be a ${type}, got ${describe(value)}`)
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null && 'kind' in value) return String((value as { kind: unknown }).kind).toUpperCase()
  return value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value)
}
