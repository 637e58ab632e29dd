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
  try {
    // Most classes hold no bigint: their inputs copied with the placeholder for `config`, written without a replacer.
    return `{"d":${JSON.stringify({ ...def, inputs: def.inputs.map(withConfigPlaceholder) })}}`
  } catch (error) {
    if (!(error instanceof TypeError)) throw error
  }
  // A bigint somewhere (JSON.stringify refused it): the replacer writes bigints as decimal strings and a shared
  // `config` as the placeholder; their paths are listed.
  const bigints: Path[] = []
  findBigints(def, [], bigints)
  const d = JSON.stringify(def, encodedItem)
  return bigints.length === 0 ? `{"d":${d}}` : `{"d":${d},"b":${JSON.stringify(bigints)}}`
}

/** An input as encoded: a `config` that is `spec[1]` as `0`, and so in the nested inputs of V3 dynamic ones. */
function withConfigPlaceholder(input: InputDef): InputDef {
  const copy = (hasSharedConfig(input as never) ? { ...input, config: 0 } : { ...input }) as Record<string, unknown>
  switch (input.kind) {
    case 'AUTOGROW':
      copy['template'] = withConfigPlaceholder(input.template)
      break
    case 'DYNAMIC_COMBO':
      copy['choices'] = input.choices.map((choice) => ({ ...choice, inputs: choice.inputs.map(withConfigPlaceholder) }))
      break
    case 'DYNAMIC_SLOT':
      copy['inputs'] = input.inputs.map(withConfigPlaceholder)
      break
    default:
      break
  }
  return copy as unknown as InputDef
}

function encodedItem(this: unknown, key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (key === 'config' && hasSharedConfig(this as Record<string, unknown>)) return 0
  return value
}

// The paths of the bigints in `value`, walked with one path array (copied only for a bigint found):
function findBigints(value: unknown, path: Path, found: Path[]): void {
  if (typeof value === 'bigint') {
    found.push([...path])
    return
  }
  if (value === null || typeof value !== 'object') return
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      if (item !== null && (typeof item === 'object' || typeof item === 'bigint')) {
        path.push(i)
        findBigints(item, path, found)
        path.pop()
      }
    }
    return
  }
  const record = value as Record<string, unknown>
  // An input's `config` is `spec[1]`: its bigints are found (and restored on decoding) inside `spec`.
  const sharedConfig = hasSharedConfig(record)
  for (const key of Object.keys(record)) {
    const item = record[key]
    if (item === null || (typeof item !== 'object' && typeof item !== 'bigint') || (key === 'config' && sharedConfig)) continue
    path.push(key)
    findBigints(item, path, found)
    path.pop()
  }
}

function hasSharedConfig(record: Record<string, unknown>): boolean {
  return typeof record['kind'] === 'string' && Array.isArray(record['spec']) && 'config' in record && record['spec'][1] === record['config']
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
