/**
 * The `prompt` (API JSON) and `workflow` (UI JSON) that ComfyUI embeds in its outputs:
 * - PNG (SaveImage): one text chunk per key, `prompt` then each `extra_pnginfo` key (normally `workflow`),
 *   JSON written by Python's json.dumps, so plain ASCII in tEXt chunks; front ends may write iTXt.
 * - WebP (SaveAnimatedWEBP and friends): EXIF IFD0 ASCII entries holding "key:json": `prompt:` in 0x0110
 *   (Model), then the extra keys from 0x010F (Make) downwards, so `workflow:` lands in 0x010F.
 * JSON is read with `parseJson`, so seeds above 2^53 stay exact (as bigint).
 * @module
 */
import { parseJson, stringifyJson, type JsonValue } from '../../json/lossless.js'
import { InvalidImageError, ImageMetadataError } from '../errors.js'
import { describe } from '../inspect.js'
import { readImageInput, type ImageInput } from '../input.js'
import { resolveLimits, type ImageLimits } from '../limits.js'
import { emit, type OutputOptions } from '../output.js'
import { encodeIfd0Ascii, readIfd0Ascii } from './exif-ascii.js'
import { isPng, readPngChunks, type PngChunk } from './png-chunks.js'
import { decodeTextChunk, encodeTextChunk, isTextChunk, isValidKeyword, textChunkKeyword } from './png-text.js'
import { findWebpExif, isWebp, readWebpChunks, replaceWebpExif } from './webp-container.js'

const PROMPT_TAG = 0x0110
const FIRST_EXTRA_TAG = 0x010f
const KEY = /^[A-Za-z_][\w.-]*$/

export interface MetadataReadOptions {
  readonly limits?: ImageLimits
}

export interface ImageText {
  readonly source: string
  /** Detected from the bytes; only `png` and `webp` can carry workflow metadata. */
  readonly format: string
  /** Every text entry as stored: PNG text chunks by keyword, WebP EXIF "key:value" entries by key. */
  readonly entries: Readonly<Record<string, string>>
}

/** All text entries of a PNG or WebP (empty for other image formats). */
export async function readImageText(input: ImageInput, options: MetadataReadOptions = {}): Promise<ImageText> {
  const limits = resolveLimits(options.limits)
  const { bytes, source, path } = await readImageInput(input, limits.maxBytes)
  if (isPng(bytes)) {
    const entries: Record<string, string> = {}
    for (const chunk of readPngChunks(bytes, source).filter(isTextChunk)) {
      const { keyword, text } = decodeTextChunk(chunk, source, limits.maxBytes)
      // Later chunks win, as in Pillow and the ComfyUI front end:
      entries[keyword] = text
    }
    return { source, format: 'png', entries }
  }
  if (isWebp(bytes)) {
    const exif = findWebpExif(readWebpChunks(bytes, source))
    return { source, format: 'webp', entries: exif === undefined ? {} : keyedEntries(readIfd0Ascii(exif)).entries }
  }
  const info = await describe(bytes, source, path)
  return { source, format: info.format, entries: {} }
}

export interface WorkflowMetadata {
  readonly source: string
  readonly format: string
  /** The API prompt, when present. */
  readonly prompt: JsonValue | undefined
  /** The UI workflow, when present. */
  readonly workflow: JsonValue | undefined
  /** Every text entry as stored (see {@link readImageText}). */
  readonly text: Readonly<Record<string, string>>
}

/**
 * The prompt and workflow an image carries. Text that is not valid JSON throws {@link ImageMetadataError}
 * naming the entry; {@link readImageText} still gives the raw text.
 */
export async function readWorkflowMetadata(
  input: ImageInput,
  options: MetadataReadOptions = {},
): Promise<WorkflowMetadata> {
  const { source, format, entries } = await readImageText(input, options)
  const parse = (key: string): JsonValue | undefined => {
    const text = entries[key]
    if (text === undefined) return undefined
    try {
      return parseJson(text, { file: `${source} (metadata "${key}")` })
    } catch (error) {
      throw new ImageMetadataError(source, key, `not valid JSON: ${(error as Error).message}`, { cause: error })
    }
  }
  return { source, format, prompt: parse('prompt'), workflow: parse('workflow'), text: entries }
}

export interface WorkflowMetadataInput {
  /** The API prompt (any JSON value; bigints are written exactly). */
  readonly prompt?: unknown
  /** The UI workflow. */
  readonly workflow?: unknown
  /** Further entries, as ComfyUI writes each `extra_pnginfo` key. */
  readonly extra?: Readonly<Record<string, unknown>>
}

export interface MetadataWriteOptions extends OutputOptions {
  readonly limits?: ImageLimits
}

export interface WrittenImage {
  readonly data: Buffer
  readonly path: string | undefined
}

/**
 * The image with the given entries embedded as ComfyUI does; the pixels are not re-encoded. Entries given
 * replace those of the same name; others are kept. JSON is written ASCII-only (like Python's json.dumps).
 * In a WebP, the EXIF chunk is rebuilt from its IFD0 text entries: other EXIF data (camera fields in
 * sub-IFDs, GPS) is dropped.
 */
export async function writeWorkflowMetadata(
  input: ImageInput,
  metadata: WorkflowMetadataInput,
  options: MetadataWriteOptions = {},
): Promise<WrittenImage> {
  const values = new Map<string, string>()
  if (metadata.prompt !== undefined) values.set('prompt', toJsonText(metadata.prompt, 'prompt'))
  if (metadata.workflow !== undefined) values.set('workflow', toJsonText(metadata.workflow, 'workflow'))
  for (const [key, value] of Object.entries(metadata.extra ?? {})) {
    if (key === 'prompt' || key === 'workflow') {
      throw new ImageMetadataError('<metadata>', key, 'pass prompt and workflow as their own fields, not in extra')
    }
    if (!KEY.test(key) || !isValidKeyword(key)) {
      throw new ImageMetadataError('<metadata>', key, 'keys must be letters, digits, _ . - (and start with a letter or _)')
    }
    values.set(key, toJsonText(value, key))
  }
  return rewrite(input, options, values, [...values.keys()])
}

export interface StripOptions extends MetadataWriteOptions {
  /** Entries to remove (default `prompt` and `workflow`). */
  readonly keys?: readonly string[]
}

/** The image without its prompt and workflow (or the given `keys`); the pixels are not re-encoded. */
export async function stripWorkflowMetadata(input: ImageInput, options: StripOptions = {}): Promise<WrittenImage> {
  return rewrite(input, options, new Map(), options.keys ?? ['prompt', 'workflow'])
}

async function rewrite(
  input: ImageInput,
  options: MetadataWriteOptions,
  values: ReadonlyMap<string, string>,
  removed: readonly string[],
): Promise<WrittenImage> {
  const limits = resolveLimits(options.limits)
  const { bytes, source, path } = await readImageInput(input, limits.maxBytes)
  let data: Buffer
  if (isPng(bytes)) data = rewritePng(bytes, source, values, new Set(removed))
  else if (isWebp(bytes)) data = rewriteWebp(bytes, source, values, new Set(removed))
  else {
    const info = await describe(bytes, source, path)
    const detail = `workflow metadata can be written to PNG and WebP only, not ${info.format}`
    throw new InvalidImageError(source, 'format', detail)
  }
  return { data, path: await emit(data, options) }
}

function rewritePng(
  bytes: Buffer,
  source: string,
  values: ReadonlyMap<string, string>,
  removed: ReadonlySet<string>,
): Buffer {
  const chunks = readPngChunks(bytes, source)
  const kept = chunks.filter((c) => !isTextChunk(c) || !removed.has(textChunkKeyword(c)))
  const added = [...values].map(([key, text]) => encodeTextChunk(key, text))
  const firstData = kept.findIndex((c) => c.type === 'IDAT')
  const at = firstData < 0 ? kept.length - 1 : firstData
  const raw = (c: PngChunk) => bytes.subarray(c.offset, c.offset + c.size)
  return Buffer.concat([
    bytes.subarray(0, 8),
    ...kept.slice(0, at).map(raw),
    ...added,
    ...kept.slice(at).map(raw),
  ])
}

function rewriteWebp(
  bytes: Buffer,
  source: string,
  values: ReadonlyMap<string, string>,
  removed: ReadonlySet<string>,
): Buffer {
  const exif = findWebpExif(readWebpChunks(bytes, source))
  const { byTag } = keyedEntries(exif === undefined ? new Map() : readIfd0Ascii(exif))
  const tags = new Map<number, string>()
  for (const [tag, { key, value }] of byTag) if (key === undefined || !removed.has(key)) tags.set(tag, value)
  const prompt = values.get('prompt')
  if (prompt !== undefined) tags.set(PROMPT_TAG, `prompt:${prompt}`)
  let next = FIRST_EXTRA_TAG
  for (const [key, text] of values) {
    if (key === 'prompt') continue
    while (tags.has(next)) next--
    tags.set(next, `${key}:${text}`)
  }
  return replaceWebpExif(bytes, source, tags.size === 0 ? undefined : encodeIfd0Ascii(tags))
}

interface KeyedEntries {
  readonly entries: Record<string, string>
  readonly byTag: Map<number, { key: string | undefined; value: string }>
}

/** EXIF ASCII values split into "key:text" where they have that form (as the ComfyUI front end reads them). */
function keyedEntries(ascii: ReadonlyMap<number, string>): KeyedEntries {
  const entries: Record<string, string> = {}
  const byTag = new Map<number, { key: string | undefined; value: string }>()
  for (const [tag, value] of ascii) {
    const colon = value.indexOf(':')
    const key = colon > 0 && KEY.test(value.slice(0, colon)) ? value.slice(0, colon) : undefined
    if (key !== undefined) entries[key] = value.slice(colon + 1)
    byTag.set(tag, { key, value })
  }
  return { entries, byTag }
}

/** JSON text with every non-ASCII character escaped, as Python's json.dumps writes it. */
function toJsonText(value: unknown, key: string): string {
  let text: string
  try {
    text = stringifyJson(value)
  } catch (error) {
    const detail = `cannot be written as JSON: ${(error as Error).message}`
    throw new ImageMetadataError('<metadata>', key, detail, { cause: error })
  }
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    throw new ImageMetadataError('<metadata>', key, 'cannot be written as JSON: not a JSON value')
  }
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
