/**
 * Encoding raw pixels as PNG with sharp, without any step that would premultiply alpha.
 * @module
 */
import sharp from 'sharp'

export interface PngEncodeOptions {
  readonly compressionLevel?: number
  readonly adaptiveFiltering?: boolean
}

/** RGB bytes plus one alpha byte per pixel, as an RGBA PNG. */
export function encodeRgbaPng(
  rgb: Uint8Array,
  alpha: Uint8Array,
  width: number,
  height: number,
  options: PngEncodeOptions = {},
): Promise<Buffer> {
  const rgba = new Uint8Array(alpha.length * 4)
  for (let i = 0, s = 0, d = 0; i < alpha.length; i++, s += 3, d += 4) {
    rgba[d] = rgb[s]!
    rgba[d + 1] = rgb[s + 1]!
    rgba[d + 2] = rgb[s + 2]!
    rgba[d + 3] = alpha[i]!
  }
  return sharp(rgba, { raw: { width, height, channels: 4 } }).png(options).toBuffer()
}
