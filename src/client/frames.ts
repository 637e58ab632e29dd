/**
 * WebSocket frames to typed values: JSON messages by `type`, binary frames by their big-endian u32 event type.
 * Anything malformed or unknown becomes `{ kind: 'ignored' }` with the reason, never an exception.
 * @module
 */
import { parseJson } from '../json/lossless.js'
import {
  BINARY_PREVIEW_IMAGE,
  BINARY_PREVIEW_WITH_METADATA,
  BINARY_TEXT,
  type PreviewMetadata,
  type ServerMessage,
} from './protocol.js'

export type Frame =
  | { readonly kind: 'message'; readonly message: ServerMessage }
  | { readonly kind: 'preview'; readonly mime: string; readonly image: Buffer; readonly metadata: PreviewMetadata | undefined }
  | { readonly kind: 'text'; readonly nodeId: string; readonly text: string }
  | { readonly kind: 'ignored'; readonly reason: string }

// Data fields a known message needs before the client routes it (a custom node reusing a name is ignored):
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  status: ['status'],
  execution_start: ['prompt_id'],
  execution_cached: ['prompt_id', 'nodes'],
  executing: ['node'],
  progress: ['value', 'max'],
  progress_state: ['prompt_id', 'nodes'],
  executed: ['node', 'prompt_id'],
  execution_success: ['prompt_id'],
  execution_error: ['prompt_id', 'node_id'],
  execution_interrupted: ['prompt_id'],
  feature_flags: [],
}

export function parseTextFrame(text: string): Frame {
  let value: unknown
  try {
    value = parseJson(text)
  } catch {
    return { kind: 'ignored', reason: `text frame that is not JSON: ${text.slice(0, 60)}` }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'ignored', reason: 'JSON frame that is not an object' }
  }
  const { type, data } = value as { type?: unknown; data?: unknown }
  if (typeof type !== 'string') return { kind: 'ignored', reason: 'JSON frame without a string "type"' }
  const required = REQUIRED[type]
  if (required === undefined) return { kind: 'message', message: { type, data, unknown: true } as ServerMessage }
  if (typeof data !== 'object' || data === null) return { kind: 'ignored', reason: `"${type}" message without a data object` }
  for (const key of required) {
    if (!(key in data)) return { kind: 'ignored', reason: `"${type}" message without "${key}"` }
  }
  return { kind: 'message', message: { type, data } as ServerMessage }
}

export function parseBinaryFrame(bytes: Buffer): Frame {
  if (bytes.length < 4) return { kind: 'ignored', reason: `binary frame of ${bytes.length} bytes` }
  const event = bytes.readUInt32BE(0)
  switch (event) {
    case BINARY_PREVIEW_IMAGE: {
      if (bytes.length < 8) return { kind: 'ignored', reason: 'preview frame without a format' }
      const format = bytes.readUInt32BE(4)
      const mime = format === 2 ? 'image/png' : format === 1 ? 'image/jpeg' : sniffMime(bytes.subarray(8))
      return { kind: 'preview', mime, image: bytes.subarray(8), metadata: undefined }
    }
    case BINARY_TEXT: {
      if (bytes.length < 8) return { kind: 'ignored', reason: 'text frame without a length' }
      const length = bytes.readUInt32BE(4)
      if (8 + length > bytes.length) return { kind: 'ignored', reason: 'text frame whose node id overruns the frame' }
      return {
        kind: 'text',
        nodeId: bytes.toString('utf8', 8, 8 + length),
        text: bytes.toString('utf8', 8 + length),
      }
    }
    case BINARY_PREVIEW_WITH_METADATA: {
      if (bytes.length < 8) return { kind: 'ignored', reason: 'preview frame without metadata length' }
      const length = bytes.readUInt32BE(4)
      if (8 + length > bytes.length) return { kind: 'ignored', reason: 'preview metadata overruns the frame' }
      let metadata: PreviewMetadata
      try {
        const parsed = parseJson(bytes.toString('utf8', 8, 8 + length))
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not an object')
        metadata = parsed as PreviewMetadata
      } catch {
        return { kind: 'ignored', reason: 'preview metadata that is not a JSON object' }
      }
      const image = bytes.subarray(8 + length)
      const mime = typeof metadata.image_type === 'string' ? metadata.image_type : sniffMime(image)
      return { kind: 'preview', mime, image, metadata }
    }
    default:
      return { kind: 'ignored', reason: `binary frame of unknown type ${event}` }
  }
}

/** The image type from its first bytes (PNG, JPEG, WebP, GIF), for frames that do not say. */
export function sniffMime(bytes: Uint8Array): string {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png'
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg'
  if (bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[8] === 0x57 && bytes[9] === 0x45) return 'image/webp'
  if (bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46) return 'image/gif'
  return 'application/octet-stream'
}
