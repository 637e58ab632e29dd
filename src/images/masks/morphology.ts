/**
 * Changing a mask's shape: grow or shrink it by a distance, feather its edges, resize it, or bring it to the
 * geometry of a prepared image.
 * @module
 */
import sharp from 'sharp'
import { InvalidArgumentError } from '../../errors.js'
import type { ResizeTransform } from '../transform.js'
import { assertMask, type Mask } from './mask.js'

/**
 * Grows the masked area by `pixels` (a disc, by exact Euclidean distance), or shrinks it when negative.
 * The mask is first made binary at 128, and the result is binary (0 or 255); feather afterwards for soft
 * edges. The image border does not count as unmasked, so shrinking keeps masked areas that touch it.
 */
export function growMask(mask: Mask, pixels: number): Mask {
  assertMask(mask)
  if (!Number.isFinite(pixels)) throw new InvalidArgumentError(`grow distance must be a finite number, received ${pixels}`)
  const { width, height } = mask
  const data = new Uint8Array(mask.data.length)
  if (pixels === 0) {
    data.set(mask.data)
    return { width, height, data }
  }
  const growing = pixels > 0
  // Distance to the nearest masked pixel when growing, to the nearest kept pixel when shrinking:
  const distances = squaredDistanceTransform(mask.data, width, height, (v) => (growing ? v >= 128 : v < 128))
  const limit = pixels * pixels
  for (let i = 0; i < data.length; i++) {
    const within = distances[i]! <= limit
    data[i] = growing ? (within ? 255 : 0) : mask.data[i]! >= 128 && !within ? 255 : 0
  }
  return { width, height, data }
}

/**
 * Softens the mask's edges with a Gaussian blur of standard deviation `radius / 2`, so the transition spans
 * about `radius` pixels on each side of the edge. A radius under 0.6 px returns an unchanged copy.
 */
export async function featherMask(mask: Mask, radius: number): Promise<Mask> {
  assertMask(mask)
  if (!Number.isFinite(radius) || radius < 0) {
    throw new InvalidArgumentError(`feather radius must be a non-negative number, received ${radius}`)
  }
  const sigma = radius / 2
  if (sigma < 0.3) return { width: mask.width, height: mask.height, data: Uint8Array.from(mask.data) }
  const data = await rawMask(mask).blur(sigma).toColourspace('b-w').raw().toBuffer()
  return { width: mask.width, height: mask.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) }
}

/** Resizes a mask with a linear filter (no ringing, so kept areas stay exactly 0). */
export async function resizeMask(mask: Mask, width: number, height: number): Promise<Mask> {
  assertMask(mask)
  if (mask.width === width && mask.height === height) {
    return { width, height, data: Uint8Array.from(mask.data) }
  }
  const data = await rawMask(mask)
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .toColourspace('b-w')
    .raw()
    .toBuffer()
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) }
}

/**
 * Brings a mask drawn on the original image to the prepared image's geometry (the `transform` that
 * `prepareImage` returned): resized like the image, padding unmasked.
 */
export async function prepareMask(mask: Mask, transform: ResizeTransform): Promise<Mask> {
  assertMask(mask)
  if (mask.width !== transform.originalWidth || mask.height !== transform.originalHeight) {
    throw new InvalidArgumentError(
      `mask is ${mask.width}x${mask.height} but the image it belongs to is ` +
        `${transform.originalWidth}x${transform.originalHeight}`,
    )
  }
  const content = await resizeMask(mask, transform.contentWidth, transform.contentHeight)
  if (content.width === transform.width && content.height === transform.height) return content
  const data = new Uint8Array(transform.width * transform.height)
  for (let y = 0; y < content.height; y++) {
    data.set(content.data.subarray(y * content.width, (y + 1) * content.width), y * transform.width)
  }
  return { width: transform.width, height: transform.height, data }
}

/** A one-band sharp image; outputs must ask for `b-w` again, or sharp widens them to sRGB. */
function rawMask(mask: Mask) {
  return sharp(mask.data, { raw: { width: mask.width, height: mask.height, channels: 1 } })
}

const FAR = 1e20

/** Squared Euclidean distance from each pixel to the nearest feature pixel (Felzenszwalb & Huttenlocher 2012). */
function squaredDistanceTransform(
  values: Uint8Array,
  width: number,
  height: number,
  isFeature: (value: number) => boolean,
): Float64Array {
  const grid = new Float64Array(width * height)
  for (let i = 0; i < grid.length; i++) grid[i] = isFeature(values[i]!) ? 0 : FAR
  const longest = Math.max(width, height)
  const f = new Float64Array(longest)
  const d = new Float64Array(longest)
  const v = new Int32Array(longest)
  const z = new Float64Array(longest + 1)
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = grid[y * width + x]!
    transform1d(f, height, d, v, z)
    for (let y = 0; y < height; y++) grid[y * width + x] = d[y]!
  }
  for (let y = 0; y < height; y++) {
    const row = y * width
    for (let x = 0; x < width; x++) f[x] = grid[row + x]!
    transform1d(f, width, d, v, z)
    for (let x = 0; x < width; x++) grid[row + x] = d[x]!
  }
  return grid
}

/** Lower envelope of the parabolas rooted at (q, f[q]): d[q] = min over p of (q - p)^2 + f[p]. */
function transform1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0
  v[0] = 0
  z[0] = -Infinity
  z[1] = Infinity
  for (let q = 1; q < n; q++) {
    let p = v[k]!
    let s = (f[q]! + q * q - (f[p]! + p * p)) / (2 * (q - p))
    while (s <= z[k]!) {
      k--
      p = v[k]!
      s = (f[q]! + q * q - (f[p]! + p * p)) / (2 * (q - p))
    }
    k++
    v[k] = q
    z[k] = s
    z[k + 1] = Infinity
  }
  k = 0
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++
    const p = v[k]!
    d[q] = (q - p) * (q - p) + f[p]!
  }
}
