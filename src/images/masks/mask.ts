/**
 * The mask value used by every mask function: one byte per pixel, row by row, where 255 means "masked"
 * (the area to repaint) and 0 means "keep". This is ComfyUI's MASK convention (1.0 = masked) in bytes.
 *
 * ComfyUI reads masks in two ways, and the conversions below cover both:
 * - `LoadImage` makes its MASK from the alpha channel as `1 - alpha`: transparent pixels are masked.
 *   {@link maskToAlpha} / {@link maskFromAlphaValues} convert between the two.
 * - `LoadImageMask` reads one channel: red, green or blue as is (white = masked), alpha as `1 - alpha`.
 * In tensors, {@link maskToFloat32} / {@link maskFromFloat32} give ComfyUI's 0..1 floats.
 * @module
 */
import { InvalidArgumentError } from '../../errors.js'

export interface Mask {
  readonly width: number
  readonly height: number
  /** width x height bytes; 255 = masked (repaint), 0 = keep; values in between are partly masked. */
  readonly data: Uint8Array
}

/** A mask of the given size, all 0 (nothing masked) unless `fill` says otherwise. */
export function createMask(width: number, height: number, fill = 0): Mask {
  checkSize(width, height)
  return { width, height, data: new Uint8Array(width * height).fill(fill) }
}

/** Checks that a value is a well-formed {@link Mask}; `what` names it in the error. */
export function assertMask(mask: Mask, what = 'mask'): void {
  checkSize(mask.width, mask.height, what)
  if (!(mask.data instanceof Uint8Array) || mask.data.length !== mask.width * mask.height) {
    throw new InvalidArgumentError(
      `${what}: data must be a Uint8Array of width x height = ${mask.width * mask.height} bytes, ` +
        `received ${mask.data instanceof Uint8Array ? `${mask.data.length} bytes` : typeof mask.data}`,
    )
  }
}

/** Swaps masked and kept areas. */
export function invertMask(mask: Mask): Mask {
  assertMask(mask)
  const data = new Uint8Array(mask.data.length)
  for (let i = 0; i < data.length; i++) data[i] = 255 - mask.data[i]!
  return { width: mask.width, height: mask.height, data }
}

export type MaskOperation = 'union' | 'intersect' | 'subtract'

/** Combines masks of one size pixel by pixel: union = max, intersect = min, subtract = first minus the rest. */
export function combineMasks(operation: MaskOperation, first: Mask, ...rest: Mask[]): Mask {
  assertMask(first, 'first mask')
  const data = Uint8Array.from(first.data)
  rest.forEach((mask, index) => {
    assertMask(mask, `mask ${index + 2}`)
    if (mask.width !== first.width || mask.height !== first.height) {
      throw new InvalidArgumentError(
        `mask ${index + 2} is ${mask.width}x${mask.height}, the first is ${first.width}x${first.height}`,
      )
    }
    const other = mask.data
    for (let i = 0; i < data.length; i++) {
      const a = data[i]!
      const b = other[i]!
      data[i] = operation === 'union' ? Math.max(a, b) : operation === 'intersect' ? Math.min(a, b) : Math.max(0, a - b)
    }
  })
  return { width: first.width, height: first.height, data }
}

/** Share of pixels that are mostly masked (value 128 or more), from 0 to 1. */
export function maskCoverage(mask: Mask): number {
  assertMask(mask)
  let count = 0
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i]! >= 128) count++
  return count / mask.data.length
}

/** Alpha values for `LoadImage` (transparent = masked): alpha = 255 - mask. */
export function maskToAlpha(mask: Mask): Uint8Array {
  return invertMask(mask).data
}

/** The mask `LoadImage` derives from alpha values (one byte per pixel): mask = 255 - alpha. */
export function maskFromAlphaValues(width: number, height: number, alpha: Uint8Array): Mask {
  return invertMask({ width, height, data: alpha })
}

/** ComfyUI's MASK tensor values (0..1, 1 = masked), row by row. */
export function maskToFloat32(mask: Mask): Float32Array {
  assertMask(mask)
  const out = new Float32Array(mask.data.length)
  for (let i = 0; i < out.length; i++) out[i] = mask.data[i]! / 255
  return out
}

/** A mask from ComfyUI MASK values (0..1, 1 = masked); values outside 0..1 are clamped. */
export function maskFromFloat32(width: number, height: number, values: ArrayLike<number>): Mask {
  checkSize(width, height)
  if (values.length !== width * height) {
    throw new InvalidArgumentError(
      `expected ${width * height} mask values for ${width}x${height}, received ${values.length}`,
    )
  }
  const data = new Uint8Array(values.length)
  for (let i = 0; i < data.length; i++) {
    const v = values[i]!
    data[i] = Number.isNaN(v) ? 0 : Math.round(Math.min(1, Math.max(0, v)) * 255)
  }
  return { width, height, data }
}

/** sharp's own default pixel limit (0x3FFF squared): no mask needs more. */
const MAX_MASK_PIXELS = 268_402_689

function checkSize(width: number, height: number, what = 'mask'): void {
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1) {
    throw new InvalidArgumentError(`${what}: width and height must be positive integers, received ${width}x${height}`)
  }
  if (width * height > MAX_MASK_PIXELS) {
    throw new InvalidArgumentError(`${what}: ${width}x${height} is more than ${MAX_MASK_PIXELS} pixels`)
  }
}
