/**
 * The small part of EXIF (a TIFF structure) that ComfyUI uses for WebP outputs: ASCII entries of the first
 * IFD. Reading accepts both byte orders and the "Exif\0\0" prefix some writers add; writing produces
 * little-endian TIFF without the prefix, as Pillow does for WebP.
 * @module
 */

const ASCII = 2

/** ASCII entries of IFD0 by tag; entries of other types, or pointing outside the data, are skipped. */
export function readIfd0Ascii(exif: Uint8Array): Map<number, string> {
  const out = new Map<number, string>()
  let data = Buffer.from(exif.buffer, exif.byteOffset, exif.byteLength)
  if (data.length >= 6 && data.toString('latin1', 0, 6) === 'Exif\0\0') data = data.subarray(6)
  if (data.length < 8) return out
  const order = data.toString('latin1', 0, 2)
  if (order !== 'II' && order !== 'MM') return out
  const little = order === 'II'
  const u16 = (at: number) => (little ? data.readUInt16LE(at) : data.readUInt16BE(at))
  const u32 = (at: number) => (little ? data.readUInt32LE(at) : data.readUInt32BE(at))
  if (u16(2) !== 42) return out
  const ifd = u32(4)
  if (ifd + 2 > data.length) return out
  const count = u16(ifd)
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12
    if (entry + 12 > data.length) break
    if (u16(entry + 2) !== ASCII) continue
    const length = u32(entry + 4)
    const start = length <= 4 ? entry + 8 : u32(entry + 8)
    if (length === 0 || start + length > data.length) continue
    let end = start + length
    while (end > start && data[end - 1] === 0) end--
    out.set(u16(entry), data.toString('utf8', start, end))
  }
  return out
}

/** A little-endian TIFF with one IFD of ASCII entries (tags ascending, as TIFF requires). */
export function encodeIfd0Ascii(entries: ReadonlyMap<number, string>): Buffer {
  const tags = [...entries.keys()].sort((a, b) => a - b)
  const values = tags.map((tag) => Buffer.from(`${entries.get(tag)!}\0`, 'utf8'))
  const ifdSize = 2 + tags.length * 12 + 4
  let valueOffset = 8 + ifdSize
  const out = Buffer.alloc(valueOffset + values.reduce((sum, v) => sum + (v.length > 4 ? v.length + (v.length & 1) : 0), 0))
  out.write('II', 0, 'latin1')
  out.writeUInt16LE(42, 2)
  out.writeUInt32LE(8, 4)
  out.writeUInt16LE(tags.length, 8)
  tags.forEach((tag, i) => {
    const entry = 10 + i * 12
    const value = values[i]!
    out.writeUInt16LE(tag, entry)
    out.writeUInt16LE(ASCII, entry + 2)
    out.writeUInt32LE(value.length, entry + 4)
    if (value.length <= 4) {
      value.copy(out, entry + 8)
    } else {
      out.writeUInt32LE(valueOffset, entry + 8)
      value.copy(out, valueOffset)
      // Values start on word boundaries:
      valueOffset += value.length + (value.length & 1)
    }
  })
  return out
}
