/**
 * @internal The walked nodes written straight as API JSON text, without the prompt object in between: building
 * an object per node and input record and then stringifying it cost twice the stringifying alone on a
 * 10,000-node graph. The text is byte for byte what JSON.stringify writes for the prompt object.
 * @module
 */
import type { ExpandedNodes } from './expanded-nodes.js'
import { keyOrder } from './key-order.js'
import { isOutput, type NodeHandle } from './output.js'
import type { WalkState } from './walk-state.js'

/**
 * Writes an input value that is not a string, finite number, boolean, null, bigint or link (throws if not JSON),
 * indented by `gap` per level with its lines after the first starting with `prefix` (both '' for compact text).
 */
export type OtherValueWriter = (value: unknown, nodeId: string, name: string, gap: string, prefix: string) => string

/**
 * The punctuation between the parts of the prompt, with the line breaks and indentation JSON.stringify writes for
 * a gap ('' for none), made once per call so that the loops push constants.
 */
class Layout {
  readonly gap: string
  readonly first: string
  readonly next: string
  readonly nodeOpen: string
  readonly inputsOpen: string
  readonly inputFirst: string
  readonly inputNext: string
  readonly colon: string
  readonly linkOpen: string
  readonly linkMiddle: string
  readonly linkClose: string
  /** Before the inputs' closing brace, when there are inputs. */
  readonly inputsClose: string
  readonly metaOpen: string
  readonly metaClose: string
  readonly nodeClose: string
  readonly end: string
  /** What starts the lines of a value after its first, in a node's inputs. */
  readonly valuePrefix: string

  constructor(gap: string) {
    const line = (depth: number): string => (gap === '' ? '' : `\n${gap.repeat(depth)}`)
    const space = gap === '' ? '' : ' '
    this.gap = gap
    this.first = `{${line(1)}`
    this.next = `,${line(1)}`
    this.nodeOpen = `:${space}{${line(2)}"class_type":${space}`
    this.inputsOpen = `,${line(2)}"inputs":${space}{`
    this.inputFirst = line(3)
    this.inputNext = `,${line(3)}`
    this.colon = `:${space}`
    this.linkOpen = `[${line(4)}`
    this.linkMiddle = `,${line(4)}`
    this.linkClose = `${line(3)}]`
    this.inputsClose = line(2)
    this.metaOpen = `,${line(2)}"_meta":${space}{${line(3)}"title":${space}`
    this.metaClose = `${line(2)}}`
    this.nodeClose = `${line(1)}}`
    this.end = `${line(0)}}`
    this.valuePrefix = line(3)
  }
}

const COMPACT = new Layout('')

/**
 * The prompt of `states` (in dependency order, `ids` by place) as JSON text, indented by `gap` per level as
 * JSON.stringify(prompt, null, gap) writes it ('' for compact text). Links take the ids of the states'
 * dependencies, or of `placeOf` for states made without them; or, for the nodes of an expanded graph, go where
 * `linkEnd` says.
 */
export function promptText(
  states: readonly WalkState[],
  ids: readonly string[],
  placeOf: (handle: NodeHandle) => number,
  writeOther: OtherValueWriter,
  gap = '',
  linkEnd?: ExpandedNodes['linkEnd'],
): string {
  const layout = gap === '' ? COMPACT : new Layout(gap)
  const out = new TextChunks()
  const order = keyOrder(ids)
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number
    const state = states[i] as WalkState
    const id = ids[i] as string
    out.push(k === 0 ? layout.first : layout.next)
    out.quoted(id)
    out.push(layout.nodeOpen)
    out.quoted(state.classType)
    out.push(layout.inputsOpen)
    if (writeInputs(out, state, i, ids, placeOf, linkEnd, writeOther, id, layout)) out.push(layout.inputsClose)
    out.push('}')
    if (state.title !== undefined) {
      out.push(layout.metaOpen)
      out.quoted(state.title)
      out.push(layout.metaClose)
    }
    out.push(layout.nodeClose)
  }
  out.push(order.length === 0 ? '{}' : layout.end)
  return out.text()
}

// Writes the inputs (without the braces); says whether there was any (an empty record is `{}` at any indentation).
function writeInputs(
  out: TextChunks,
  state: WalkState,
  place: number,
  ids: readonly string[],
  placeOf: (handle: NodeHandle) => number,
  linkEnd: ExpandedNodes['linkEnd'] | undefined,
  writeOther: OtherValueWriter,
  nodeId: string,
  layout: Layout,
): boolean {
  // The nodes links come from are the state's dependencies, in input order (without them, placeOf finds them):
  const linked = state.dependencies
  let nextLink = 0
  const given = state.inputs
  // Object.keys, not for-in: 5x faster on the frozen input records; the order JSON.stringify writes:
  const keys = Object.keys(given)
  let first = true
  for (let k = 0; k < keys.length; k++) {
    const name = keys[k] as string
    const value = given[name]
    if (value === undefined) continue
    if (linkEnd !== undefined && isOutput(value)) {
      // Expanded: the link leads to an inner node, to what a subgraph call passed, or nowhere (the input is left out):
      const end = linkEnd(place, value)
      if (end === undefined) continue
      writeName(out, name, first, layout)
      first = false
      if ('value' in end) writeValue(out, end.value, end.nodeId, end.name, writeOther, layout)
      else writeLink(out, end.id, end.slot, layout)
      continue
    }
    writeName(out, name, first, layout)
    first = false
    if (isOutput(value)) writeLink(out, ids[linked === undefined ? placeOf(value.node) : (linked[nextLink++] as WalkState).place] as string, value.slot, layout)
    else writeValue(out, value, nodeId, name, writeOther, layout)
  }
  return !first
}

function writeName(out: TextChunks, name: string, first: boolean, layout: Layout): void {
  out.push(first ? layout.inputFirst : layout.inputNext)
  out.quoted(name)
  out.push(layout.colon)
}

function writeLink(out: TextChunks, id: string, slot: number, layout: Layout): void {
  out.push(layout.linkOpen)
  out.quoted(id)
  out.push(layout.linkMiddle + slot + layout.linkClose)
}

// Any input value but a link:
function writeValue(out: TextChunks, value: unknown, nodeId: string, name: string, writeOther: OtherValueWriter, layout: Layout): void {
  if (typeof value === 'string') out.quoted(value)
  else if (typeof value === 'number' && Number.isFinite(value)) out.push(String(value))
  else if (typeof value === 'boolean' || value === null || typeof value === 'bigint') {
    // (bigints exact at any size, where JSON.stringify would throw)
    out.push(String(value))
  } else out.json(writeOther(value, nodeId, name, layout.gap, layout.valuePrefix))
}

// The text as UTF-8 in a buffer, decoded into a string each time the buffer fills, and those strings
// concatenated, as JSON.stringify joins its parts. Strings made piece by piece (a rope of small strings, or the
// pieces of an array to join) cost the garbage collector more than the text itself, and copying the freshly built
// graph it finds alive slows building + serializing too.
class TextChunks {
  readonly #bytes = new Uint8Array(CHUNK_BYTES)
  #length = 0
  #text = ''

  /** Text known to be ASCII that JSON writes as it is (punctuation, digits, numbers). */
  push(ascii: string): void {
    if (this.#length + ascii.length > CHUNK_BYTES) this.#flush()
    if (ascii.length > CHUNK_BYTES) {
      this.#text += ascii
      return
    }
    const bytes = this.#bytes
    let at = this.#length
    for (let i = 0; i < ascii.length; i++) bytes[at++] = ascii.charCodeAt(i)
    this.#length = at
  }

  /** A string as JSON: copied as it is when it is printable ASCII without quotes or backslashes. */
  quoted(text: string): void {
    if (this.#length + text.length + 2 > CHUNK_BYTES) this.#flush()
    const bytes = this.#bytes
    const start = this.#length
    let at = start
    if (text.length + 2 <= CHUNK_BYTES) {
      bytes[at++] = 0x22
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i)
        if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
          at = -1
          break
        }
        bytes[at++] = c
      }
      if (at !== -1) {
        bytes[at++] = 0x22
        this.#length = at
        return
      }
    }
    this.#length = start
    this.json(JSON.stringify(text))
  }

  /** Any JSON text (the rare strings with escapes or characters beyond ASCII, lists, objects). */
  json(text: string): void {
    if (this.#length + 3 * text.length > CHUNK_BYTES) this.#flush()
    if (3 * text.length > CHUNK_BYTES) {
      this.#text += text
      return
    }
    const { written } = (encoder ??= new TextEncoder()).encodeInto(text, this.#bytes.subarray(this.#length))
    this.#length += written
  }

  #flush(): void {
    if (this.#length === 0) return
    this.#text += (decoder ??= new TextDecoder('utf-8', { ignoreBOM: true })).decode(this.#bytes.subarray(0, this.#length))
    this.#length = 0
  }

  text(): string {
    this.#flush()
    return this.#text
  }
}

// JSON.stringify's parts are up to 16 K characters too; much larger strings take longer to allocate:
const CHUNK_BYTES = 16384
// Globals of Node and browsers alike, declared here: the DSL's sources are type-checked without DOM or Node types.
declare const TextEncoder: new () => { encodeInto(text: string, into: Uint8Array): { written: number } }
declare const TextDecoder: new (label: string, options: { ignoreBOM: boolean }) => { decode(bytes: Uint8Array): string }

// Made on first use, not at import (the decoder keeps a U+FEFF that starts a chunk, as text, not a byte order mark):
let encoder: InstanceType<typeof TextEncoder> | undefined
let decoder: InstanceType<typeof TextDecoder> | undefined
