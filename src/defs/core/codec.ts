/**
 * The pre-normalized form of a {@link DefSet}: one JSON text per class, so loading the bundled core definitions
 * is a `JSON.parse` per class instead of a zod parse and a normalization of the raw `/object_info` (about
 * 20 times slower). The generator (scripts/generate-core-defs.ts) encodes, {@link decodeDefSet} decodes.
 *
 * Two things JSON cannot carry directly are written apart: integers beyond 2^53 (seeds go up to 2^64 - 1) as
 * decimal strings with their paths listed, and an input's `config`, which is the very object `spec[1]` holds
 * (written once, as a `0` placeholder in `config`, shared again on decoding).
 * @module
 */
import type { DefSet, InputDef, NodeDef } from '../model.js'

type Path = (string | number)[]

/** One class as the generated module stores it: the definition and where its bigints are. */
export interface EncodedClass {
  readonly d: NodeDef
  readonly b?: readonly Path[]
}

/** The JSON text of one class (key order kept, so decoding gives back the same objects). */
export function encodeNodeDef(def: NodeDef): string {
  const bigints: Path[] = []
  const d = encodeValue(def, [], bigints)
  return JSON.stringify(bigints.length === 0 ? { d } : { d, b: bigints })
}

function encodeValue(value: unknown, path: Path, bigints: Path[]): unknown {
  if (typeof value === 'bigint') {
    bigints.push(path)
    return value.toString()
  }
  if (Array.isArray(value)) return value.map((item, i) => encodeValue(item, [...path, i], bigints))
  if (value === null || typeof value !== 'object') return value
  const record = value as Record<string, unknown>
  const out: Record<string, unknown> = {}
  // An input's `config` is `spec[1]`: written once (inside `spec`), restored on decoding.
  const sharedConfig = isInput(record) && Array.isArray(record['spec']) && record['spec'][1] === record['config']
  for (const [key, item] of Object.entries(record)) {
    out[key] = key === 'config' && sharedConfig ? 0 : encodeValue(item, [...path, key], bigints)
  }
  return out
}

function isInput(record: Record<string, unknown>): boolean {
  return typeof record['kind'] === 'string' && 'spec' in record && 'config' in record
}

/**
 * The definitions of `classes` (class type and the JSON text from {@link encodeNodeDef}) as a {@link DefSet}.
 * A class is decoded the first time it is read: checking a prompt touches a handful of the hundreds of classes.
 */
export function decodeDefSet(
  classes: readonly (readonly [string, string])[],
  meta: { comfyuiVersion?: string; sha256?: string },
): DefSet {
  const texts = new Map(classes)
  return decodeDefSetLazily(
    classes.map(([name]) => name),
    (name) => texts.get(name) as string,
    meta,
  )
}

/**
 * Like {@link decodeDefSet}, with each class's JSON text fetched by `textOf` when the class is first read
 * (the CLI reads them from a file, a few hundred bytes per class it needs).
 */
export function decodeDefSetLazily(
  names: readonly string[],
  textOf: (name: string) => string,
  meta: { comfyuiVersion?: string; sha256?: string },
): DefSet {
  return {
    classes: new DecodingMap(names, textOf),
    ...(meta.comfyuiVersion === undefined ? {} : { comfyuiVersion: meta.comfyuiVersion }),
    ...(meta.sha256 === undefined ? {} : { sha256: meta.sha256 }),
  }
}

/**
 * A map whose keys are known up front and whose values are decoded on first read. Every way of reading a value
 * (get, iteration, forEach) decodes; `has`, `keys` and `size` need no decoding.
 */
class DecodingMap extends Map<string, NodeDef> {
  /** Classes not decoded yet. */
  readonly #pending = new Set<string>()
  readonly #textOf: (name: string) => string

  constructor(names: readonly string[], textOf: (name: string) => string) {
    super()
    this.#textOf = textOf
    for (const name of names) {
      this.#pending.add(name)
      super.set(name, undefined as unknown as NodeDef)
    }
  }

  override get(name: string): NodeDef | undefined {
    const def = super.get(name)
    if (def !== undefined || !this.#pending.has(name)) return def
    return this.#decode(name)
  }

  override set(name: string, def: NodeDef): this {
    this.#pending.delete(name)
    return super.set(name, def)
  }

  override delete(name: string): boolean {
    this.#pending.delete(name)
    return super.delete(name)
  }

  override clear(): void {
    this.#pending.clear()
    super.clear()
  }

  override values(): MapIterator<NodeDef> {
    this.#decodeAll()
    return super.values()
  }

  override entries(): MapIterator<[string, NodeDef]> {
    this.#decodeAll()
    return super.entries()
  }

  override [Symbol.iterator](): MapIterator<[string, NodeDef]> {
    return this.entries()
  }

  override forEach(callback: (value: NodeDef, key: string, map: Map<string, NodeDef>) => void, thisArg?: unknown): void {
    this.#decodeAll()
    super.forEach(callback, thisArg)
  }

  #decode(name: string): NodeDef {
    const def = decodeNodeDef(this.#textOf(name))
    this.#pending.delete(name)
    super.set(name, def)
    return def
  }

  #decodeAll(): void {
    for (const name of [...this.#pending]) this.#decode(name)
  }
}

/** One class from its JSON text. */
export function decodeNodeDef(text: string): NodeDef {
  const { d, b } = JSON.parse(text) as EncodedClass
  if (b !== undefined) for (const path of b) setBigint(d, path)
  for (const input of d.inputs) restoreConfig(input)
  return d
}

function setBigint(root: unknown, path: readonly (string | number)[]): void {
  let parent = root as Record<string | number, unknown>
  for (let i = 0; i < path.length - 1; i++) parent = parent[path[i] as string | number] as Record<string | number, unknown>
  const key = path[path.length - 1] as string | number
  parent[key] = BigInt(parent[key] as string)
}

function restoreConfig(input: InputDef): void {
  const mutable = input as { config: unknown }
  if (mutable.config === 0) mutable.config = input.spec[1]
  switch (input.kind) {
    case 'AUTOGROW':
      restoreConfig(input.template)
      return
    case 'DYNAMIC_COMBO':
      for (const choice of input.choices) for (const inner of choice.inputs) restoreConfig(inner)
      return
    case 'DYNAMIC_SLOT':
      for (const inner of input.inputs) restoreConfig(inner)
      return
    default:
      return
  }
}
