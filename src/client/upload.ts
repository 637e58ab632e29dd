/**
 * Image and mask uploads (`POST /upload/image`, `/upload/mask`). The file name comes from the content hash,
 * so uploading the same bytes twice gives the same name and never a `name (1).png` copy.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import { Readable } from 'node:stream'
import { InvalidArgumentError } from '../errors.js'
import { ServerProtocolError } from './errors.js'
import { sniffMime } from './frames.js'
import type { Http } from './http.js'
import { nodeCrypto } from './node-crypto.js'
import { undici } from './undici.js'

/** A file path, bytes, a Node stream, a web stream or a Blob. */
export type UploadSource = string | Uint8Array | Readable | ReadableStream<Uint8Array> | Blob

export interface UploadOptions {
  /** File name on the server; default: `<sha256 prefix>.<ext>` of the content. */
  readonly name?: string
  readonly subfolder?: string
  /** Folder root on the server: `input` (default), `temp` or `output`. */
  readonly type?: 'input' | 'temp' | 'output'
  /** Replace a file of the same name (default true: with content-hash names, same name means same bytes). */
  readonly overwrite?: boolean
  readonly signal?: AbortSignal
  readonly timeout?: number
}

export interface MaskUploadOptions extends UploadOptions {
  /** The image the mask belongs to; the server copies it and replaces its alpha with the mask's. */
  readonly originalRef: { readonly filename: string; readonly subfolder?: string; readonly type?: string }
}

/** The server's answer to an upload, plus the value a `LoadImage.image` input takes. */
export interface UploadedImage {
  readonly name: string
  readonly subfolder: string
  readonly type: string
  /** `subfolder/name`, annotated with ` [temp]` / ` [output]` outside the input folder. */
  readonly ref: string
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/webp': '.webp',
  'image/gif': '.gif',
}

export async function uploadFile(
  http: Http,
  route: '/upload/image' | '/upload/mask',
  source: UploadSource,
  options: UploadOptions,
  extraFields: Readonly<Record<string, string>> = {},
): Promise<UploadedImage> {
  const { bytes, originalName } = await readSource(source)
  const mime = sniffMime(bytes)
  const name = options.name ?? contentName(bytes, mime, originalName)
  const { FormData } = await undici() // undici's, which its request() sends as multipart
  const form = new FormData()
  form.append('image', new Blob([bytes], { type: mime }), name)
  form.append('type', options.type ?? 'input')
  form.append('subfolder', options.subfolder ?? '')
  form.append('overwrite', options.overwrite === false ? 'false' : 'true')
  for (const [key, value] of Object.entries(extraFields)) form.append(key, value)
  const { value } = await http.json('POST', route, { body: form, signal: options.signal, timeout: options.timeout })
  const answer = value as Partial<Record<'name' | 'subfolder' | 'type', unknown>> | null
  if (typeof answer?.name !== 'string') {
    throw new ServerProtocolError(http.endpoint.describe(route), 'upload answer without a "name"')
  }
  const subfolder = typeof answer.subfolder === 'string' ? answer.subfolder : ''
  const type = typeof answer.type === 'string' ? answer.type : 'input'
  const path = subfolder ? `${subfolder}/${answer.name}` : answer.name
  return { name: answer.name, subfolder, type, ref: type === 'input' ? path : `${path} [${type}]` }
}

/** `<first 20 hex digits of sha256>.<ext>`, the extension from the original name or the sniffed type. */
export function contentName(bytes: Uint8Array, mime: string, originalName?: string): string {
  const hash = nodeCrypto().createHash('sha256').update(bytes).digest('hex').slice(0, 20)
  const ext = (originalName === undefined ? '' : extname(originalName).toLowerCase()) || EXTENSIONS[mime] || '.png'
  return `${hash}${ext}`
}

async function readSource(source: UploadSource): Promise<{ bytes: Buffer; originalName?: string }> {
  if (typeof source === 'string') {
    try {
      return { bytes: await readFile(source), originalName: basename(source) }
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unreadable'
      throw new InvalidArgumentError(`cannot read the image to upload (${code})`, { file: source, cause: error })
    }
  }
  if (source instanceof Uint8Array) return { bytes: Buffer.from(source.buffer, source.byteOffset, source.byteLength) }
  if (source instanceof Blob) return { bytes: Buffer.from(await source.arrayBuffer()) }
  const stream = source instanceof Readable ? source : Readable.fromWeb(source as import('node:stream/web').ReadableStream<Uint8Array>)
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array))
  return { bytes: Buffer.concat(chunks) }
}
