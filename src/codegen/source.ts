/**
 * Where definitions come from: a saved `/object_info` file or a live server.
 * @module
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { NormalizeResult } from '../defs/normalize.js'
import { ComfyError } from '../errors.js'
import { defsCacheDir, readCachedDefs, writeCachedDefs } from './defs-cache.js'

export { defsCacheDir } from './defs-cache.js'

/** The core definitions shipped in the package (ComfyUI v0.26.0, 792 classes); the same path from src/ and dist/. */
export const BUNDLED_OBJECT_INFO = fileURLToPath(new URL('../../snapshots/core_comfyui_v0.26.0.object_info.json', import.meta.url))

/** A server or file that could not be read. */
export class ObjectInfoSourceError extends ComfyError {}

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
async function parseWithCache(text: string, file: string, version: string | undefined, options: LoadOptions): Promise<NormalizeResult> {
  const hash = sha256(text)
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

/**
 * Reads a saved `/object_info` JSON file. The version is taken from a `v0.26.0`-like part of its name when there is
 * one; otherwise the definitions carry the node-info keys the file used, from which `validate` and the generated
 * headers tell the releases it fits (see `chooseServerVersion`).
 */
export async function loadObjectInfoFile(path: string, options: LoadOptions = {}): Promise<LoadedDefs> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new ObjectInfoSourceError(`cannot read ${path}: ${(error as Error).message}`, { file: path, cause: error })
  }
  const version = options.comfyuiVersion ?? /v(\d+\.\d+\.\d+)/.exec(basename(path))?.[1]
  return { ...(await parseWithCache(text, path, version, options)), source: path }
}

/**
 * One GET with node:http(s): loads in a few milliseconds, where undici costs ~100 ms of module loading, a tenth
 * of a codegen run. 30 s without a byte from the server fail the request.
 */
async function httpGet(url: string): Promise<{ statusCode: number; text: string }> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch (error) {
    throw new ObjectInfoSourceError(`not a URL: ${url} (expected e.g. http://127.0.0.1:8188)`, { cause: error })
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ObjectInfoSourceError(`cannot reach ${url}: not an http:// or https:// URL (did you mean http://${url}?)`)
  }
  const { request } = parsed.protocol === 'https:' ? await import('node:https') : await import('node:http')
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => reject(new ObjectInfoSourceError(`cannot reach ${url}: ${error.message}`, { cause: error }))
    const req = request(parsed, { method: 'GET', headers: { accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', fail)
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
    })
    req.setTimeout(30_000, () => req.destroy(new Error('no answer for 30 s')))
    req.on('error', fail)
    req.end()
  })
}

/** Fetches `/object_info` (and the version from `/system_stats`) from a running server. */
export async function loadObjectInfoFromServer(baseUrl: string, options: LoadOptions = {}): Promise<LoadedDefs> {
  const base = baseUrl.replace(/\/+$/, '')
  const get = async (path: string): Promise<string> => {
    const { statusCode, text } = await httpGet(`${base}${path}`)
    if (statusCode !== 200) throw new ObjectInfoSourceError(`${base}${path} answered HTTP ${statusCode}`)
    return text
  }
  const [text, stats] = await Promise.all([get('/object_info'), get('/system_stats').catch(() => '')])
  let version = options.comfyuiVersion
  if (version === undefined && stats !== '') {
    try {
      const parsed = JSON.parse(stats) as { system?: { comfyui_version?: unknown } }
      if (typeof parsed.system?.comfyui_version === 'string') version = parsed.system.comfyui_version
    } catch {
      // A server without a readable /system_stats still has usable definitions.
    }
  }
  return { ...(await parseWithCache(text, `${base}/object_info`, version, options)), source: base }
}
