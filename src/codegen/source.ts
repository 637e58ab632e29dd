/**
 * Where definitions come from: a saved `/object_info` file or a live server.
 * @module
 */
import { isUtf8 } from 'node:buffer'
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { NormalizeResult } from '../defs/normalize.js'
import { defsCacheDir, readCachedDefs, writeCachedDefs } from './defs-cache.js'
import { fetchObjectInfo, ObjectInfoSourceError, type FetchedObjectInfo } from './fetch-object-info.js'

export { defsCacheDir } from './defs-cache.js'
export { ObjectInfoSourceError } from './fetch-object-info.js'

/** The core definitions shipped in the package (ComfyUI v0.26.0, 792 classes); the same path from src/ and dist/. */
export const BUNDLED_OBJECT_INFO = fileURLToPath(new URL('../../snapshots/core_comfyui_v0.26.0.object_info.json', import.meta.url))

export interface LoadedDefs extends NormalizeResult {
  /** The file path or URL the definitions came from. */
  readonly source: string
}

export interface LoadOptions {
  /** `skip` leaves malformed classes out (reported in `problems`); `throw` (default) stops at the first. */
  readonly onError?: 'throw' | 'skip'
  /** ComfyUI version, when the caller knows it better than the file name or server does. */
  readonly comfyuiVersion?: string
  /**
   * Where validated definitions are cached by the text's sha256 (see defs-cache.ts), or `false` for no cache.
   * Default: `COMFY_DSL_CACHE_DIR` or the OS cache folder, unless `COMFY_DSL_CACHE=off`.
   */
  readonly cache?: string | false
}

function loadParser(): Promise<typeof import('../defs/load.js')> {
  return import('../defs/load.js')
}

/**
 * The definitions of an object_info text: from the cache when an entry for the text is there, else parsed,
 * validated and normalized (and then cached, when nothing was malformed).
 */
async function parseWithCache(source: TextSource, file: string, version: string | undefined, options: LoadOptions): Promise<NormalizeResult> {
  const { text } = source
  const hash = textSha256(source)
  const dir = defsCacheDir(process.env, options.cache)
  const cached = dir === undefined ? undefined : await readCachedDefs(dir, hash)
  if (cached !== undefined) {
    return version === undefined ? cached : { ...cached, defs: { ...cached.defs, comfyuiVersion: version } }
  }
  const { parseObjectInfo } = await loadParser()
  const result = parseObjectInfo(text, {
    file,
    sha256: hash,
    ...(options.onError ? { onError: options.onError } : {}),
    ...(version ? { comfyuiVersion: version } : {}),
  })
  if (dir !== undefined) await writeCachedDefs(dir, hash, result)
  return result
}

/** sha256 of the exact text, as written in generated headers. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** A text and, when it was read as such, the bytes it was decoded from. */
interface TextSource {
  readonly text: string
  readonly bytes?: Buffer
}

// The hash of the text's UTF-8: of the bytes themselves when they are valid UTF-8 (then the same bytes; hashing a
// string first encodes it again, ~5x the time), else of the decoded text, as before.
function textSha256({ text, bytes }: TextSource): string {
  return bytes !== undefined && isUtf8(bytes) ? createHash('sha256').update(bytes).digest('hex') : sha256(text)
}

/**
 * Reads a saved `/object_info` JSON file. The version is taken from a `v0.26.0`-like part of its name when there is
 * one; otherwise the definitions carry the node-info keys the file used, from which `validate` and the generated
 * headers tell the releases it fits (see `chooseServerVersion`).
 */
export async function loadObjectInfoFile(path: string, options: LoadOptions = {}): Promise<LoadedDefs> {
  let bytes: Buffer
  try {
    // Read as bytes and decoded at once (reading with an encoding decodes chunk by chunk, several times slower):
    bytes = await readFile(path)
  } catch (error) {
    throw new ObjectInfoSourceError(`cannot read ${path}: ${(error as Error).message}`, { file: path, cause: error })
  }
  const version = options.comfyuiVersion ?? /v(\d+\.\d+\.\d+)/.exec(basename(path))?.[1]
  return { ...(await parseWithCache({ text: bytes.toString('utf8'), bytes }, path, version, options)), source: path }
}

/** Fetches `/object_info` (and the version from `/system_stats`) from a running server. */
export async function loadObjectInfoFromServer(baseUrl: string, options: LoadOptions = {}): Promise<LoadedDefs> {
  return loadFetchedObjectInfo(await fetchObjectInfo(baseUrl, options.comfyuiVersion), options)
}

/** The definitions of what {@link fetchObjectInfo} got from a server (the CLI fetches before loading this module). */
export async function loadFetchedObjectInfo(fetched: FetchedObjectInfo, options: LoadOptions = {}): Promise<LoadedDefs> {
  return { ...(await parseWithCache(fetched, `${fetched.base}/object_info`, fetched.version, options)), source: fetched.base }
}
