/**
 * The metadata ComfyUI's SaveImage (and PreviewImage, its subclass) writes into every PNG, from nodes.py
 * `SaveImage.save_images`: unless the server runs with `--disable-metadata`, a PIL `PngInfo` with one `tEXt`
 * chunk `prompt` holding `json.dumps(prompt)` (the API prompt as submitted), then one chunk per key of
 * `extra_data.extra_pnginfo` holding `json.dumps(value)`, in the order of the keys. The editor sends its UI
 * workflow as `extra_pnginfo.workflow`, which is how dragging an output into ComfyUI opens its graph.
 * `json.dumps` escapes non-ASCII, so the text always fits a Latin-1 `tEXt` chunk.
 * @module
 */
import { withTextChunks } from './png-text.js'
import { pyDumps } from './py-json.js'

export interface SaveMetadataContext {
  /** The API prompt of the running job. */
  readonly prompt: Readonly<Record<string, unknown>>
  /** The job's `extra_data` (its `extra_pnginfo` is embedded). */
  readonly extraData: Readonly<Record<string, unknown>>
  /** False when the server imitates `--disable-metadata`. */
  readonly metadata: boolean
}

/** The text chunks SaveImage writes for a job, keyword to text, in the order it writes them. */
export function saveImageText(context: SaveMetadataContext): Record<string, string> {
  if (!context.metadata) return {}
  const chunks: Record<string, string> = { prompt: pyDumps(context.prompt) }
  const pnginfo = context.extraData['extra_pnginfo']
  // ComfyUI iterates whatever dict the client sent; a non-object is not a dict of entries (it would fail there).
  if (typeof pnginfo === 'object' && pnginfo !== null && !Array.isArray(pnginfo)) {
    for (const [key, value] of Object.entries(pnginfo)) chunks[key] = pyDumps(value)
  }
  return chunks
}

/** The encoded PNG with SaveImage's metadata added (unchanged when metadata is off). */
export function withSaveMetadata(png: Buffer, context: SaveMetadataContext): Buffer {
  const chunks = saveImageText(context)
  return Object.keys(chunks).length === 0 ? png : withTextChunks(png, chunks)
}
