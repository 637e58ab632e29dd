/**
 * PNG chunk layout: signature, then chunks of (length, type, data, CRC-32 of type + data), ending with IEND.
 * Reading checks bounds and CRCs; writing always computes the CRC.
 * @module
 */
import { crc32 } from 'node:zlib'
import { InvalidImageError } from '../errors.js'

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

export interface PngChunk {
  readonly type: string
  readonly data: Buffer
  /** Offset of the chunk's length field in the file. */
  readonly offset: number
  /** Bytes the whole chunk takes: 12 + data length. */
  readonly size: number
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.equals(bytes.subarray(0, 8))
}

/** Splits a PNG into its chunks, up to and including IEND; throws `corrupt` on truncation or a bad CRC. */
export function readPngChunks(bytes: Buffer, source: string): PngChunk[] {
  if (!isPng(bytes)) throw new InvalidImageError(source, 'format', 'not a PNG file (bad signature)')
  const chunks: PngChunk[] = []
  let offset = 8
  for (;;) {
    if (offset + 12 > bytes.length) {
      throw new InvalidImageError(source, 'corrupt', `PNG truncated at byte ${offset}: no IEND chunk`)
    }
    const length = bytes.readUInt32BE(offset)
    const type = bytes.toString('latin1', offset + 4, offset + 8)
    if (!/^[A-Za-z]{4}$/.test(type)) {
      throw new InvalidImageError(source, 'corrupt', `PNG chunk at byte ${offset} has an invalid type`)
    }
    const end = offset + 12 + length
    if (length > 0x7fffffff || end > bytes.length) {
      throw new InvalidImageError(source, 'corrupt', `PNG chunk ${type} at byte ${offset} runs past the end of the file`)
    }
    const stored = bytes.readUInt32BE(end - 4)
    if (crc32(bytes.subarray(offset + 4, end - 4)) !== stored) {
      throw new InvalidImageError(source, 'corrupt', `PNG chunk ${type} at byte ${offset} has a bad CRC`)
    }
    chunks.push({ type, data: bytes.subarray(offset + 8, end - 4), offset, size: 12 + length })
    offset = end
    if (type === 'IEND') return chunks
  }
}

/** One chunk's bytes: length, type, data, CRC. */
export function encodePngChunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'latin1')
  out.set(data, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}
