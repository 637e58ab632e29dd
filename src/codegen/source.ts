/**
 * Where definitions come from: a saved `/object_info` file or a live server.
 * @module
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseObjectInfo } from '../defs/load.js'
import type { NormalizeResult } from '../defs/normalize.js'
import { ComfyError } from '../errors.js'

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
  const result = parseObjectInfo(text, {
    file: path,
    sha256: sha256(text),
    ...(options.onError ? { onError: options.onError } : {}),
    ...(version ? { comfyuiVersion: version } : {}),
  })
  return { ...result, source: path }
}

/** Fetches `/object_info` (and the version from `/system_stats`) from a running server. */
export async function loadObjectInfoFromServer(baseUrl: string, options: LoadOptions = {}): Promise<LoadedDefs> {
  const base = baseUrl.replace(/\/+$/, '')
  // undici is loaded only when a server is asked, keeping file-based codegen fast to start:
  const { request } = await import('undici')
  const get = async (path: string): Promise<string> => {
    let response
    try {
      response = await request(`${base}${path}`, { headersTimeout: 30_000, bodyTimeout: 60_000 })
    } catch (error) {
      throw new ObjectInfoSourceError(`cannot reach ${base}${path}: ${(error as Error).message}`, { cause: error })
    }
    const text = await response.body.text()
    if (response.statusCode !== 200) {
      throw new ObjectInfoSourceError(`${base}${path} answered HTTP ${response.statusCode}`)
    }
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
  const result = parseObjectInfo(text, {
    file: `${base}/object_info`,
    sha256: sha256(text),
    ...(options.onError ? { onError: options.onError } : {}),
    ...(version ? { comfyuiVersion: version } : {}),
  })
  return { ...result, source: base }
}
