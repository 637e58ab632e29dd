/**
 * The values the test server's nodes pass along: images as 8-bit RGB, masks as 8-bit single channel,
 * latents as an image plus an optional noise mask, and sharp round trips between them.
 * @module
 */
import sharp, { type Sharp } from 'sharp'

/** An IMAGE: 8-bit RGB pixels. */
export interface Pixels {
  readonly kind: 'image'
  readonly width: number
  readonly height: number
  readonly data: Buffer
}

/** A MASK: one 8-bit channel, 255 = masked. */
export interface Mask {
  readonly kind: 'mask'
  readonly width: number
  readonly height: number
  readonly data: Buffer
}

/** A LATENT stand-in: the image the "sampler" works on, and where it may change it. */
export interface Latent {
  readonly kind: 'latent'
  readonly image: Pixels
  readonly noiseMask: Mask | undefined
}

export function rawImage(image: Pixels): Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
}

export function rawMask(mask: Mask): Sharp {
  return sharp(mask.data, { raw: { width: mask.width, height: mask.height, channels: 1 } })
}

export async function toPixels(pipeline: Sharp): Promise<Pixels> {
  const { data, info } = await pipeline.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
  if (info.channels === 3) return { kind: 'image', width: info.width, height: info.height, data }
  // A greyscale source: spread its one channel to RGB.
  const rgb = Buffer.alloc(info.width * info.height * 3)
  for (let i = 0, j = 0; i < data.length; i += info.channels, j += 3) rgb[j] = rgb[j + 1] = rgb[j + 2] = data[i] as number
  return { kind: 'image', width: info.width, height: info.height, data: rgb }
}

export async function toMask(pipeline: Sharp): Promise<Mask> {
  const { data, info } = await pipeline.extractChannel(0).raw().toBuffer({ resolveWithObject: true })
  return { kind: 'mask', width: info.width, height: info.height, data }
}

export function solid(width: number, height: number, rgb: readonly [number, number, number]): Pixels {
  const data = Buffer.alloc(width * height * 3)
  for (let i = 0; i < data.length; i += 3) {
    data[i] = rgb[0]
    data[i + 1] = rgb[1]
    data[i + 2] = rgb[2]
  }
  return { kind: 'image', width, height, data }
}

export function emptyMask(width: number, height: number, value = 0): Mask {
  return { kind: 'mask', width, height, data: Buffer.alloc(width * height, value) }
}

/** The mask resized to `width` x `height` (masks from other images get stretched, as ComfyUI does). */
export async function fitMask(mask: Mask, width: number, height: number): Promise<Mask> {
  if (mask.width === width && mask.height === height) return mask
  return toMask(rawMask(mask).resize(width, height, { fit: 'fill' }))
}

export function invertBuffer(data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(data.length)
  for (let i = 0; i < data.length; i++) out[i] = 255 - (data[i] as number)
  return out
}

/** `a * (1 - t) + b * t` per pixel, `t` from the mask (or everywhere `weight`). */
export function blend(a: Pixels, b: Pixels, weight: number, mask?: Mask): Pixels {
  const out = Buffer.allocUnsafe(a.data.length)
  for (let p = 0, i = 0; i < out.length; p++, i += 3) {
    const t = weight * (mask === undefined ? 1 : (mask.data[p] as number) / 255)
    for (let c = 0; c < 3; c++) out[i + c] = Math.round((a.data[i + c] as number) * (1 - t) + (b.data[i + c] as number) * t)
  }
  return { kind: 'image', width: a.width, height: a.height, data: out }
}

/** A stable colour from a seed and some text (the "generation" of the stand-in sampler). */
export function colourOf(seed: bigint | number, text: string): [number, number, number] {
  let h = BigInt.asUintN(32, BigInt(seed) ^ 0x9e3779b9n)
  for (let i = 0; i < text.length; i++) h = BigInt.asUintN(32, (h ^ BigInt(text.charCodeAt(i))) * 0x01000193n)
  const n = Number(h)
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff]
}

export async function encodePng(image: Pixels): Promise<Buffer> {
  return rawImage(image).png({ compressionLevel: 1 }).toBuffer()
}

/** A small JPEG preview, as latent previews are. */
export async function previewJpeg(image: Pixels, maxSide = 64): Promise<Buffer> {
  return rawImage(image).resize(maxSide, maxSide, { fit: 'inside' }).jpeg({ quality: 70 }).toBuffer()
}
