/**
 * Collision-safe identifiers for generated code: class types such as `KSampler`, `easy seed` or
 * `MathExpression|pysssss` become `ksampler`, `easySeed`, `mathExpressionPysssss`.
 * @module
 */

const RESERVED_WORDS = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'as implements interface let package private protected public static yield any boolean number string symbol ' +
    'bigint object never unknown undefined type of await async arguments eval'
  ).split(' '),
)

/** Splits a class type into words: `CLIPTextEncode` -> CLIP, Text, Encode; `easy seed` -> easy, seed. */
export function splitWords(text: string): string[] {
  const words: string[] = []
  for (const chunk of text.split(/[^A-Za-z0-9]+/)) {
    if (chunk === '') continue
    // An uppercase run followed by a lowercase letter ends one letter early: "CLIPText" -> "CLIP", "Text":
    const parts = chunk.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[A-Z]|\d+/g) ?? []
    words.push(...parts)
  }
  return words
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}

/**
 * camelCase for factory names. A single leading capital joins the next word, so `KSampler` gives
 * `ksampler` (not `kSampler`) and `KSamplerAdvanced` gives `ksamplerAdvanced`.
 */
export function toCamelCase(text: string): string {
  const words = splitWords(text)
  if (words.length >= 2 && /^[A-Z]$/.test(words[0] ?? '') && /^[A-Z][a-z]/.test(words[1] ?? '')) {
    words.splice(0, 2, `${words[0]}${(words[1] ?? '').toLowerCase()}`)
  }
  return words
    .map((word, i) => (i === 0 ? word.toLowerCase() : /^[A-Z]+$/.test(word) ? capitalize(word.toLowerCase()) : capitalize(word)))
    .join('')
}

/** PascalCase for type names: keeps acronyms as written (`CLIPTextEncode`, `KSampler`). */
export function toPascalCase(text: string): string {
  return splitWords(text)
    .map((word) => capitalize(word))
    .join('')
}

/**
 * Allocates unique identifiers (after kysely-codegen's SymbolCollection): invalid characters dropped,
 * a `_` before a leading digit, reserved words suffixed, clashes numbered 2, 3...
 */
export class SymbolCollection {
  readonly #taken = new Set<string>()

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.#taken.add(name)
  }

  allocate(desired: string, fallback = 'node'): string {
    const base = identifierBase(desired, fallback)
    let name = base
    for (let n = 2; this.#taken.has(name); n++) name = `${base}${n}`
    this.#taken.add(name)
    return name
  }

  has(name: string): boolean {
    return this.#taken.has(name)
  }

  /** Marks a name as taken (the caller checked it is free). */
  take(name: string): void {
    this.#taken.add(name)
  }
}

/** The identifier {@link SymbolCollection.allocate} starts from: a fallback for '', `_` before a digit, reserved words suffixed. */
export function identifierBase(desired: string, fallback = 'node'): string {
  let base = desired === '' ? fallback : desired
  if (/^\d/.test(base)) base = `_${base}`
  if (RESERVED_WORDS.has(base)) base = `${base}Node`
  return base
}

// Words that say nothing about a custom-node pack ("ComfyUI-Impact-Pack" is "Impact"):
const PACK_NOISE = new Set(['comfy', 'comfyui', 'ui', 'node', 'nodes', 'suite', 'pack', 'custom'])

/**
 * A short PascalCase label for a custom-node pack, from its folder in `python_module`
 * (`custom_nodes.was-node-suite-comfyui` -> `Was`, `custom_nodes.ComfyUI-Impact-Pack` -> `Impact`).
 */
export function packLabel(pack: string): string {
  const words = splitWords(pack)
  const meaningful = words.filter((w) => !PACK_NOISE.has(w.toLowerCase()))
  return (meaningful.length > 0 ? meaningful : words).map((w) => capitalize(w.toLowerCase())).join('')
}

/** True when `name` can be written as a property name without quotes. */
export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(name)
}

/** A property key as TypeScript source: bare when possible, quoted otherwise. */
export function propertyKey(name: string): string {
  return isIdentifier(name) ? name : quote(name)
}

const NEEDS_ESCAPE = /[\\'\r\n\u2028\u2029]/

/** A single-quoted TypeScript string literal. */
export function quote(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return `'${text}'`
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}'`
}
