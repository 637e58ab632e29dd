/**
 * SSIM (Wang, Bovik, Sheikh & Simoncelli 2004) on luma, the standard variant: an 11x11 Gaussian window of
 * sigma 1.5, K1 = 0.01, K2 = 0.03, L = 255, averaged over the windows that lie wholly inside the image
 * (the "valid" map of the reference ssim_index.m, without its optional downsampling). Luma is Rec. 601
 * (0.299 R + 0.587 G + 0.114 B). Images smaller than the window are compared as one window with uniform
 * weights.
 *
 * The Gaussian is separable: each row is filtered once into a ring of 11 rows, and each output row is
 * filtered down that ring, so the whole computation stays in cache and runs in one pass over the pixels.
 * Only the sum of the two variances appears in the formula, so x² + y² is filtered as one signal: four
 * filtered signals (x, y, x² + y², xy) instead of five.
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
  const sq = new Float64Array(width)
  const xy = new Float64Array(width)
  const ring = SIZE * outWidth
  const rx = new Float64Array(ring)
  const ry = new Float64Array(ring)
  const rsq = new Float64Array(ring)
  const rxy = new Float64Array(ring)

  let total = 0
  let insideTotal = 0
  let insideCount = 0
  for (let r = 0; r < height; r++) {
    for (let c = 0, j = r * width * channels; c < width; c++, j += channels) {
      const p = 0.299 * a[j]! + 0.587 * a[j + 1]! + 0.114 * a[j + 2]!
      const q = 0.299 * b[j]! + 0.587 * b[j + 1]! + 0.114 * b[j + 2]!
      x[c] = p
      y[c] = q
      sq[c] = p * p + q * q
      xy[c] = p * q
    }
    // Horizontal 11-tap filter of the four signals in one loop, using the kernel's symmetry:
    const slot = (r % SIZE) * outWidth
    for (let c = 0; c < outWidth; c++) {
      const at = slot + c
      rx[at] =
        w5 * x[c + 5]! + w4 * (x[c + 4]! + x[c + 6]!) + w3 * (x[c + 3]! + x[c + 7]!) +
        w2 * (x[c + 2]! + x[c + 8]!) + w1 * (x[c + 1]! + x[c + 9]!) + w0 * (x[c]! + x[c + 10]!)
      ry[at] =
        w5 * y[c + 5]! + w4 * (y[c + 4]! + y[c + 6]!) + w3 * (y[c + 3]! + y[c + 7]!) +
        w2 * (y[c + 2]! + y[c + 8]!) + w1 * (y[c + 1]! + y[c + 9]!) + w0 * (y[c]! + y[c + 10]!)
      rsq[at] =
        w5 * sq[c + 5]! + w4 * (sq[c + 4]! + sq[c + 6]!) + w3 * (sq[c + 3]! + sq[c + 7]!) +
        w2 * (sq[c + 2]! + sq[c + 8]!) + w1 * (sq[c + 1]! + sq[c + 9]!) + w0 * (sq[c]! + sq[c + 10]!)
      rxy[at] =
        w5 * xy[c + 5]! + w4 * (xy[c + 4]! + xy[c + 6]!) + w3 * (xy[c + 3]! + xy[c + 7]!) +
        w2 * (xy[c + 2]! + xy[c + 8]!) + w1 * (xy[c + 1]! + xy[c + 9]!) + w0 * (xy[c]! + xy[c + 10]!)
    }
    if (r < SIZE - 1) continue
    // Ring slots of the 11 rows of this window, oldest first:
    const first = (r + 1) % SIZE
    const o0 = first * outWidth
    const o1 = ((first + 1) % SIZE) * outWidth
    const o2 = ((first + 2) % SIZE) * outWidth
    const o3 = ((first + 3) % SIZE) * outWidth
    const o4 = ((first + 4) % SIZE) * outWidth
    const o5 = ((first + 5) % SIZE) * outWidth
    const o6 = ((first + 6) % SIZE) * outWidth
    const o7 = ((first + 7) % SIZE) * outWidth
    const o8 = ((first + 8) % SIZE) * outWidth
    const o9 = ((first + 9) % SIZE) * outWidth
    const o10 = ((first + 10) % SIZE) * outWidth
    const maskRow = (r - RADIUS) * width + RADIUS
    for (let c = 0; c < outWidth; c++) {
      const mx = w5 * rx[o5 + c]! + w4 * (rx[o4 + c]! + rx[o6 + c]!) + w3 * (rx[o3 + c]! + rx[o7 + c]!) +
        w2 * (rx[o2 + c]! + rx[o8 + c]!) + w1 * (rx[o1 + c]! + rx[o9 + c]!) + w0 * (rx[o0 + c]! + rx[o10 + c]!)
      const my = w5 * ry[o5 + c]! + w4 * (ry[o4 + c]! + ry[o6 + c]!) + w3 * (ry[o3 + c]! + ry[o7 + c]!) +
        w2 * (ry[o2 + c]! + ry[o8 + c]!) + w1 * (ry[o1 + c]! + ry[o9 + c]!) + w0 * (ry[o0 + c]! + ry[o10 + c]!)
      const esq = w5 * rsq[o5 + c]! + w4 * (rsq[o4 + c]! + rsq[o6 + c]!) + w3 * (rsq[o3 + c]! + rsq[o7 + c]!) +
        w2 * (rsq[o2 + c]! + rsq[o8 + c]!) + w1 * (rsq[o1 + c]! + rsq[o9 + c]!) + w0 * (rsq[o0 + c]! + rsq[o10 + c]!)
      const exy = w5 * rxy[o5 + c]! + w4 * (rxy[o4 + c]! + rxy[o6 + c]!) + w3 * (rxy[o3 + c]! + rxy[o7 + c]!) +
        w2 * (rxy[o2 + c]! + rxy[o8 + c]!) + w1 * (rxy[o1 + c]! + rxy[o9 + c]!) + w0 * (rxy[o0 + c]! + rxy[o10 + c]!)
      const value = ssimOf(mx, my, esq, exy)
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

/** From the window means of x, y, x² + y² and xy. */
function ssimOf(mx: number, my: number, esq: number, exy: number): number {
  const means = mx * mx + my * my
  const mxy = mx * my
  return ((2 * mxy + C1) * (2 * (exy - mxy) + C2)) / ((means + C1) * (esq - means + C2))
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
    let ssq = 0
    let sxy = 0
    for (let i = 0, j = 0; i < pixels; i++, j += channels) {
      if (!keep(i)) continue
      const p = 0.299 * a[j]! + 0.587 * a[j + 1]! + 0.114 * a[j + 2]!
      const q = 0.299 * b[j]! + 0.587 * b[j + 1]! + 0.114 * b[j + 2]!
      n++
      sx += p
      sy += q
      ssq += p * p + q * q
      sxy += p * q
    }
    return n === 0 ? null : ssimOf(sx / n, sy / n, ssq / n, sxy / n)
  }
  return {
    mean: over(() => true) ?? 1,
    inside: mask === undefined ? null : over((i) => mask[i]! >= 128),
    outside: mask === undefined ? null : over((i) => mask[i]! < 128),
  }
}
