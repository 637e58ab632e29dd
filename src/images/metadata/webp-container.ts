/**
 * The WebP RIFF container: "RIFF" size "WEBP", then chunks (FourCC, little-endian size, data, a pad byte
 * when the size is odd). Metadata such as EXIF needs the extended layout, which starts with a VP8X chunk
 * holding feature flags and the canvas size; simple files (a lone VP8 or VP8L chunk) are converted to it.
 * @module
 */
import { InvalidImageError } from '../errors.js'

export interface RiffChunk {
  readonly fourcc: string
  readonly data: Buffer
}

const EXIF_FLAG = 0x08
const ALPHA_FLAG = 0x10

export function isWebp(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 12 &&
    Buffer.from(bytes.buffer, bytes.byteOffset, 4).toString('latin1') === 'RIFF' &&
    Buffer.from(bytes.buffer, bytes.byteOffset + 8, 4).toString('latin1') === 'WEBP'
  )
}

/** The chunks of a WebP file; throws `corrupt` when a chunk runs past the end. */
export function readWebpChunks(bytes: Buffer, source: string): RiffChunk[] {
  if (!isWebp(bytes)) throw new InvalidImageError(source, 'format', 'not a WebP file (bad RIFF header)')
  const declaredEnd = 8 + bytes.readUInt32LE(4)
  if (declaredEnd > bytes.length) {
    const detail = `WebP truncated: the header announces ${declaredEnd} bytes, the file has ${bytes.length}`
    throw new InvalidImageError(source, 'corrupt', detail)
  }
  const chunks: RiffChunk[] = []
  let offset = 12
  while (offset + 8 <= declaredEnd) {
    const fourcc = bytes.toString('latin1', offset, offset + 4)
    const size = bytes.readUInt32LE(offset + 4)
    const end = offset + 8 + size
    if (end > declaredEnd) {
      const detail = `WebP chunk ${JSON.stringify(fourcc)} at byte ${offset} runs past the end of the file`
      throw new InvalidImageError(source, 'corrupt', detail)
    }
    chunks.push({ fourcc, data: bytes.subarray(offset + 8, end) })
    offset = end + (size & 1)
  }
  return chunks
}

/**
 * The file with its EXIF chunk replaced by `exif` (TIFF bytes), or removed when `exif` is undefined.
 * Every other chunk is copied byte for byte, so the image itself is not re-encoded.
 */
export function replaceWebpExif(bytes: Buffer, source: string, exif: Uint8Array | undefined): Buffer {
  let chunks = readWebpChunks(bytes, source).filter((c) => c.fourcc !== 'EXIF')
  let vp8x = chunks.find((c) => c.fourcc === 'VP8X')
  if (vp8x === undefined) {
    if (exif === undefined) return assemble(chunks)
    vp8x = { fourcc: 'VP8X', data: simpleToVp8x(chunks, source) }
    chunks = [vp8x, ...chunks]
  }
  const flags = Buffer.from(vp8x.data)
  flags[0] = exif === undefined ? flags[0]! & ~EXIF_FLAG : flags[0]! | EXIF_FLAG
  chunks = chunks.map((c) => (c === vp8x ? { fourcc: 'VP8X', data: flags } : c))
  // EXIF goes after the image data and before any XMP (WebP container spec):
  if (exif !== undefined) {
    const xmpAt = chunks.findIndex((c) => c.fourcc === 'XMP ')
    const exifChunk = { fourcc: 'EXIF', data: Buffer.from(exif) }
    if (xmpAt < 0) chunks.push(exifChunk)
    else chunks.splice(xmpAt, 0, exifChunk)
  }
  return assemble(chunks)
}

/** The EXIF chunk's data, if any. */
export function findWebpExif(chunks: readonly RiffChunk[]): Buffer | undefined {
  return chunks.find((c) => c.fourcc === 'EXIF')?.data
}

function assemble(chunks: readonly RiffChunk[]): Buffer {
  const parts: Buffer[] = [Buffer.alloc(12)]
  let size = 4
  for (const chunk of chunks) {
    const header = Buffer.alloc(8)
    header.write(chunk.fourcc, 0, 'latin1')
    header.writeUInt32LE(chunk.data.length, 4)
    parts.push(header, chunk.data)
    size += 8 + chunk.data.length
    if (chunk.data.length & 1) {
      parts.push(Buffer.alloc(1))
      size += 1
    }
  }
  const head = parts[0]!
  head.write('RIFF', 0, 'latin1')
  head.writeUInt32LE(size, 4)
  head.write('WEBP', 8, 'latin1')
  return Buffer.concat(parts)
}

/** A VP8X payload for a simple file: flags (alpha when the bitstream has it) and canvas size minus one. */
function simpleToVp8x(chunks: readonly RiffChunk[], source: string): Buffer {
  const image = chunks.find((c) => c.fourcc === 'VP8 ' || c.fourcc === 'VP8L')
  const size = image === undefined ? undefined : image.fourcc === 'VP8L' ? losslessSize(image.data) : lossySize(image.data)
  if (image === undefined || size === undefined) {
    throw new InvalidImageError(source, 'corrupt', 'WebP has no readable VP8 or VP8L image chunk')
  }
  const out = Buffer.alloc(10)
  out[0] = size.alpha ? ALPHA_FLAG : 0
  out.writeUIntLE(size.width - 1, 4, 3)
  out.writeUIntLE(size.height - 1, 7, 3)
  return out
}

interface BitstreamSize {
  readonly width: number
  readonly height: number
  readonly alpha: boolean
}

// VP8 key frame: 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height (2 scale bits each):
function lossySize(data: Buffer): BitstreamSize | undefined {
  if (data.length < 10 || data[3] !== 0x9d || data[4] !== 0x01 || data[5] !== 0x2a) return undefined
  return { width: data.readUInt16LE(6) & 0x3fff, height: data.readUInt16LE(8) & 0x3fff, alpha: false }
}

// VP8L: signature 0x2f, then 14 bits width - 1, 14 bits height - 1, 1 bit alpha hint, 3 bits version:
function losslessSize(data: Buffer): BitstreamSize | undefined {
  if (data.length < 5 || data[0] !== 0x2f) return undefined
  const bits = data.readUInt32LE(1)
  return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, alpha: ((bits >>> 28) & 1) === 1 }
}
