/**
 * PNG `tEXt` chunks, as ComfyUI's SaveImage writes the prompt and the workflow into every image.
 * @module
 */
import { crc32 } from 'node:zlib'

/** Inserts one `tEXt` chunk per entry right after the IHDR chunk. */
export function withTextChunks(png: Buffer, entries: Readonly<Record<string, string>>): Buffer {
  const ihdrEnd = 8 + 8 + png.readUInt32BE(8) + 4
  const chunks = Object.entries(entries).map(([keyword, text]) => textChunk(keyword, text))
  return Buffer.concat([png.subarray(0, ihdrEnd), ...chunks, png.subarray(ihdrEnd)])
}

function textChunk(keyword: string, text: string): Buffer {
  const data = Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')])
  const type = Buffer.from('tEXt', 'latin1')
  const header = Buffer.alloc(4)
  header.writeUInt32BE(data.length)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([type, data])) >>> 0)
  return Buffer.concat([header, type, data, crc])
}

/** Reads the `tEXt` chunks of a PNG (keyword to text). */
export function readTextChunks(png: Buffer): Record<string, string> {
  const out: Record<string, string> = {}
  let offset = 8
  while (offset + 8 <= png.length) {
    const length = png.readUInt32BE(offset)
    const type = png.toString('latin1', offset + 4, offset + 8)
    if (type === 'tEXt') {
      const data = png.subarray(offset + 8, offset + 8 + length)
      const zero = data.indexOf(0)
      if (zero > 0) out[data.toString('latin1', 0, zero)] = data.toString('latin1', zero + 1)
    }
    if (type === 'IEND') break
    offset += 12 + length
  }
  return out
}
