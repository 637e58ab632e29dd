/**
 * Fetching `/object_info` (and the version from `/system_stats`) from a server, apart from parsing it: a module
 * that loads only node:http(s), so that the CLI sends the request before it loads the parser, and the server
 * answers while the rest loads.
 * @module
 */
import { ComfyError } from '../errors.js'

/** A server or file that could not be read. */
export class ObjectInfoSourceError extends ComfyError {}

/** What a server answered: the `/object_info` text and, when `/system_stats` says it, the ComfyUI version. */
export interface FetchedObjectInfo {
  /** The base URL without trailing slashes. */
  readonly base: string
  readonly text: string
  /** The bytes `text` was decoded from. */
  readonly bytes: Buffer
  readonly version?: string
}

/**
 * One GET with node:http(s): loads in a few milliseconds, where undici costs ~100 ms of module loading, a tenth
 * of a codegen run. 30 s without a byte from the server fail the request.
 */
async function httpGet(url: string): Promise<{ statusCode: number; bytes: Buffer }> {
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
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, bytes: Buffer.concat(chunks) }))
    })
    req.setTimeout(30_000, () => req.destroy(new Error('no answer for 30 s')))
    req.on('error', fail)
    req.end()
  })
}

/** GETs `/object_info` and `/system_stats` together; `comfyuiVersion`, when given, is kept over the server's. */
export async function fetchObjectInfo(baseUrl: string, comfyuiVersion?: string): Promise<FetchedObjectInfo> {
  const base = baseUrl.replace(/\/+$/, '')
  const get = async (path: string): Promise<Buffer> => {
    const { statusCode, bytes } = await httpGet(`${base}${path}`)
    if (statusCode !== 200) throw new ObjectInfoSourceError(`${base}${path} answered HTTP ${statusCode}`)
    return bytes
  }
  const [bytes, statsBytes] = await Promise.all([get('/object_info'), get('/system_stats').catch(() => undefined)])
  const stats = statsBytes === undefined ? '' : statsBytes.toString('utf8')
  let version = comfyuiVersion
  if (version === undefined && stats !== '') {
    try {
      const parsed = JSON.parse(stats) as { system?: { comfyui_version?: unknown } }
      if (typeof parsed.system?.comfyui_version === 'string') version = parsed.system.comfyui_version
    } catch {
      // A server without a readable /system_stats still has usable definitions.
    }
  }
  return { base, text: bytes.toString('utf8'), bytes, ...(version === undefined ? {} : { version }) }
}
