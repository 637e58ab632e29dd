/**
 * SSIM (Wang, Bovik, Sheikh & Simoncelli 2004) on luma, the standard variant: an 11x11 Gaussian window of
 * sigma 1.5, K1 = 0.01, K2 = 0.03, L = 255, averaged over the windows that lie wholly inside the image
 * (the "valid" map of the reference ssim_index.m, without its optional downsampling). Luma is Rec. 601
 * (0.299 R + 0.587 G + 0.114 B). Images smaller than the window are compared as one window with uniform
 * weights.
 *
 * The Gaussian is separable: each row is filtered once into a ring of 11 rows, and each output row is
 * filtered down that ring, so the whole computation stays in cache and runs in one pass over the pixels.
 * @module
 */

const RADIUS = 5
const SIZE = 2 * RADIUS + 1
const SIGMA = 1.5
const C1 = (0.01 * 255) ** 2
const C2 = (0.03 * 255) ** 2

const WEIGHTS = (() => {
  const w = new Float64Array(SIZE)
  let sum = 0
  for (let i = 0; i < SIZE; i++) {
    w[i] = Math.exp(-((i - RADIUS) ** 2) / (2 * SIGMA * SIGMA))
    sum += w[i]!
  }
  return w.map((v) => v / sum)
})()

/** Mean SSIM, and with a mask the mean over windows centred inside (mask >= 128) and outside it. */
export interface SsimResult {
  readonly mean: number
  readonly inside: number | null
  readonly outside: number | null
}

/**
 * SSIM of two interleaved 8-bit RGB(A) buffers of the same size (`channels` bytes per pixel, the first
 * three R, G, B); `mask` (one byte per pixel) splits the mean into inside and outside.
 */
export function ssim(
  a: Uint8Array,
  b: Uint8Array,
  width: number,
  height: number,
  channels: number,
  mask?: Uint8Array,
): SsimResult {
  if (width < SIZE || height < SIZE) return smallImageSsim(a, b, width * height, channels, mask)
  const [w0, w1, w2, w3, w4, w5] = WEIGHTS as unknown as [number, number, number, number, number, number]
  const outWidth = width - 2 * RADIUS
  const x = new Float64Array(width)
  const y = new Float64Array(width)
  const xx = new Float64Array(width)
  const yy = new Float64Array(width)
  const xy = new Float64Array(width)
  const ring = SIZE * outWidth
  const rx = new Float64Array(ring)
  const ry = new Float64Array(ring)
  const rxx = new Float64Array(ring)
  const ryy = new Float64Array(ring)
  const rxy = new Float64Array(ring)
  const rows = new Int32Array(SIZE)

  // Horizontal 11-tap filter of one row, using the kernel's symmetry:
  const filterRow = (src: Float64Array, dst: Float64Array, at: number) => {
    for (let c = 0; c < outWidth; c++) {
      dst[at + c] =
        w5 * src[c + 5]! +
        w4 * (src[c + 4]! + src[c + 6]!) +
        w3 * (src[c + 3]! + src[c + 7]!) +
        w2 * (src[c + 2]! + src[c + 8]!) +
        w1 * (src[c + 1]! + src[c + 9]!) +
        w0 * (src[c]! + src[c + 10]!)
    }
  }

  let total = 0
  let insideTotal = 0
  let insideCount = 0
  for (let r = 0; r < height; r++) {
    for (let c = 0, j = r * width * channels; c < width; c++, j += channels) {
      const p = 0.299 * a[j]! + 0.587 * a[j + 1]! + 0.114 * a[j + 2]!
      const q = 0.299 * b[j]! + 0.587 * b[j + 1]! + 0.114 * b[j + 2]!
      x[c] = p
      y[c] = q
      xx[c] = p * p
      yy[c] = q * q
      xy[c] = p * q
    }
    const slot = (r % SIZE) * outWidth
    filterRow(x, rx, slot)
    filterRow(y, ry, slot)
    filterRow(xx, rxx, slot)
    filterRow(yy, ryy, slot)
    filterRow(xy, rxy, slot)
    if (r < SIZE - 1) continue
    for (let k = 0; k < SIZE; k++) rows[k] = ((r - SIZE + 1 + k) % SIZE) * outWidth
    const [o0, o1, o2, o3, o4, o5, o6, o7, o8, o9, o10] = rows as unknown as number[] as [
      number, number, number, number, number, number, number, number, number, number, number,
    ]
    const maskRow = (r - RADIUS) * width + RADIUS
    for (let c = 0; c < outWidth; c++) {
      const mx = w5 * rx[o5 + c]! + w4 * (rx[o4 + c]! + rx[o6 + c]!) + w3 * (rx[o3 + c]! + rx[o7 + c]!) +
        w2 * (rx[o2 + c]! + rx[o8 + c]!) + w1 * (rx[o1 + c]! + rx[o9 + c]!) + w0 * (rx[o0 + c]! + rx[o10 + c]!)
      const my = w5 * ry[o5 + c]! + w4 * (ry[o4 + c]! + ry[o6 + c]!) + w3 * (ry[o3 + c]! + ry[o7 + c]!) +
        w2 * (ry[o2 + c]! + ry[o8 + c]!) + w1 * (ry[o1 + c]! + ry[o9 + c]!) + w0 * (ry[o0 + c]! + ry[o10 + c]!)
      const exx = w5 * rxx[o5 + c]! + w4 * (rxx[o4 + c]! + rxx[o6 + c]!) + w3 * (rxx[o3 + c]! + rxx[o7 + c]!) +
        w2 * (rxx[o2 + c]! + rxx[o8 + c]!) + w1 * (rxx[o1 + c]! + rxx[o9 + c]!) + w0 * (rxx[o0 + c]! + rxx[o10 + c]!)
      const eyy = w5 * ryy[o5 + c]! + w4 * (ryy[o4 + c]! + ryy[o6 + c]!) + w3 * (ryy[o3 + c]! + ryy[o7 + c]!) +
        w2 * (ryy[o2 + c]! + ryy[o8 + c]!) + w1 * (ryy[o1 + c]! + ryy[o9 + c]!) + w0 * (ryy[o0 + c]! + ryy[o10 + c]!)
      const exy = w5 * rxy[o5 + c]! + w4 * (rxy[o4 + c]! + rxy[o6 + c]!) + w3 * (rxy[o3 + c]! + rxy[o7 + c]!) +
        w2 * (rxy[o2 + c]! + rxy[o8 + c]!) + w1 * (rxy[o1 + c]! + rxy[o9 + c]!) + w0 * (rxy[o0 + c]! + rxy[o10 + c]!)
      const value = ssimOf(mx, my, exx, eyy, exy)
      total += value
      if (mask !== undefined && mask[maskRow + c]! >= 128) {
        insideTotal += value
        insideCount++
      }
    }
  }
  const windows = outWidth * (height - 2 * RADIUS)
  return split(total, windows, insideTotal, insideCount, mask !== undefined)
}

function ssimOf(mx: number, my: number, exx: number, eyy: number, exy: number): number {
  const mxx = mx * mx
  const myy = my * my
  const mxy = mx * my
  return ((2 * mxy + C1) * (2 * (exy - mxy) + C2)) / ((mxx + myy + C1) * (exx - mxx + (eyy - myy) + C2))
}

function split(total: number, count: number, insideTotal: number, insideCount: number, masked: boolean): SsimResult {
  const outsideCount = count - insideCount
  return {
    mean: total / count,
    inside: masked && insideCount > 0 ? insideTotal / insideCount : null,
    outside: masked && outsideCount > 0 ? (total - insideTotal) / outsideCount : null,
  }
}

/** One uniform window over the whole image (and, with a mask, over each of its two parts). */
function smallImageSsim(a: Uint8Array, b: Uint8Array, pixels: number, channels: number, mask?: Uint8Array): SsimResult {
  const over = (keep: (i: number) => boolean): number | null => {
    let n = 0
    let sx = 0
    let sy = 0
    let sxx = 0
    let syy = 0
    let sxy = 0
    for (let i = 0, j = 0; i < pixels; i++, j += channels) {
      if (!keep(i)) continue
      const p = 0.299 * a[j]! + 0.587 * a[j + 1]! + 0.114 * a[j + 2]!
      const q = 0.299 * b[j]! + 0.587 * b[j + 1]! + 0.114 * b[j + 2]!
      n++
      sx += p
      sy += q
      sxx += p * p
      syy += q * q
      sxy += p * q
    }
    return n === 0 ? null : ssimOf(sx / n, sy / n, sxx / n, syy / n, sxy / n)
  }
  return {
    mean: over(() => true) ?? 1,
    inside: mask === undefined ? null : over((i) => mask[i]! >= 128),
    outside: mask === undefined ? null : over((i) => mask[i]! < 128),
  }
}
