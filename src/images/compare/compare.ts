/**
 * `compareImages`: how much two images of one size differ: PSNR, SSIM, mean absolute error, the share of
 * changed pixels and a diff image; with a mask, the same figures inside and outside it (did an inpaint
 * change what it should, and leave the rest alone?).
 * @module
 */
import sharp from 'sharp'
import { InvalidArgumentError } from '../../errors.js'
import { decodeOrThrow, decoder, openImage, type CheckedImage } from '../inspect.js'
import type { ImageInput } from '../input.js'
import type { ImageLimits } from '../limits.js'
import { assertMask, type Mask } from '../masks/mask.js'
import { emit, type OutputOptions } from '../output.js'
import { ssim } from './ssim.js'

export interface DiffImageOptions extends OutputOptions {
  /** Multiplies the differences so small ones show (default 1: the PNG holds the exact differences). */
  readonly gain?: number
}

export interface CompareOptions {
  readonly limits?: ImageLimits
  /** Splits every figure into inside (mask >= 128) and outside; must have the images' size. */
  readonly mask?: Mask
  /** A pixel counts as changed when a channel differs by more than this (0-255, default 10). */
  readonly threshold?: number
  /** The diff image: greyscale PNG, each pixel the largest channel difference. Default true; false skips it. */
  readonly diff?: boolean | DiffImageOptions
}

/** Figures over a set of pixels. Alpha is ignored, as `LoadImage` ignores it for the IMAGE. */
export interface RegionComparison {
  readonly pixels: number
  /** Peak signal-to-noise ratio over R, G and B, in dB; Infinity when identical. */
  readonly psnr: number
  /** Mean SSIM of the windows centred in the region (see compare/ssim.ts for the variant); null when none is. */
  readonly ssim: number | null
  /** Mean absolute difference per channel, 0-255. */
  readonly mae: number
  readonly changedPixels: number
  /** changedPixels / pixels, 0-1. */
  readonly changedRatio: number
}

export interface ImageComparison extends RegionComparison {
  readonly width: number
  readonly height: number
  readonly threshold: number
  /** Greyscale PNG of the differences, unless `diff: false`. */
  readonly diff: Buffer | undefined
  /** Where the diff image was written, when `diff.out` was given. */
  readonly diffPath: string | undefined
  /** With a mask: the masked area. */
  readonly inside: RegionComparison | undefined
  /** With a mask: the rest. */
  readonly outside: RegionComparison | undefined
}

export async function compareImages(a: ImageInput, b: ImageInput, options: CompareOptions = {}): Promise<ImageComparison> {
  const threshold = options.threshold ?? 10
  if (!(threshold >= 0 && threshold <= 255)) {
    throw new InvalidArgumentError(`threshold must be between 0 and 255, received ${threshold}`)
  }
  const diffOptions: DiffImageOptions | undefined =
    options.diff === false ? undefined : options.diff === true || options.diff === undefined ? {} : options.diff
  const gain = diffOptions?.gain ?? 1
  if (!(gain > 0) || !Number.isFinite(gain)) {
    throw new InvalidArgumentError(`diff gain must be a positive number, received ${gain}`)
  }

  const [first, second] = await Promise.all([openImage(a, options.limits), openImage(b, options.limits)])
  if (first.info.width !== second.info.width || first.info.height !== second.info.height) {
    throw new InvalidArgumentError(
      `cannot compare ${first.info.source} (${first.info.width}x${first.info.height}) ` +
        `with ${second.info.source} (${second.info.width}x${second.info.height}): sizes differ`,
    )
  }
  const { width, height } = first.info
  const mask = options.mask
  if (mask !== undefined) {
    assertMask(mask)
    if (mask.width !== width || mask.height !== height) {
      throw new InvalidArgumentError(`mask is ${mask.width}x${mask.height} but the images are ${width}x${height}`)
    }
  }
  const [pixelsA, pixelsB] = await Promise.all([rgb(first), rgb(second)])

  const diffValues = new Uint8Array(width * height)
  const all = new Totals()
  const inside = new Totals()
  const maskData = mask?.data
  for (let i = 0, j = 0; i < width * height; i++, j += 3) {
    const d0 = Math.abs(pixelsA[j]! - pixelsB[j]!)
    const d1 = Math.abs(pixelsA[j + 1]! - pixelsB[j + 1]!)
    const d2 = Math.abs(pixelsA[j + 2]! - pixelsB[j + 2]!)
    const largest = d0 > d1 ? (d0 > d2 ? d0 : d2) : d1 > d2 ? d1 : d2
    const sum = d0 + d1 + d2
    const squares = d0 * d0 + d1 * d1 + d2 * d2
    const changed = largest > threshold ? 1 : 0
    all.absolute += sum
    all.squared += squares
    all.changed += changed
    if (maskData !== undefined && maskData[i]! >= 128) {
      inside.pixels++
      inside.absolute += sum
      inside.squared += squares
      inside.changed += changed
    }
    diffValues[i] = largest
  }
  all.pixels = width * height
  if (gain !== 1) for (let i = 0; i < diffValues.length; i++) diffValues[i] = Math.min(255, diffValues[i]! * gain)

  // Encoding runs on sharp's threads while SSIM runs here; zlib level 2 is 3x faster than 6 on a diff
  // image, for files about 6% larger:
  const diffPng =
    diffOptions === undefined
      ? undefined
      : sharp(diffValues, { raw: { width, height, channels: 1 } })
          .toColourspace('b-w')
          .png({ compressionLevel: 2 })
          .toBuffer()
  const structural = ssim(pixelsA, pixelsB, width, height, 3, mask?.data)
  const diff = diffPng === undefined ? undefined : await diffPng
  const diffPath = diff === undefined || diffOptions === undefined ? undefined : await emit(diff, diffOptions)

  return {
    width,
    height,
    threshold,
    ...all.result(structural.mean),
    diff,
    diffPath,
    inside: mask === undefined ? undefined : inside.result(structural.inside),
    outside: mask === undefined ? undefined : all.minus(inside).result(structural.outside),
  }
}

async function rgb(image: CheckedImage): Promise<Buffer> {
  return decodeOrThrow(image, decoder(image).removeAlpha().toColourspace('srgb').raw().toBuffer())
}

/** Sums over a set of pixels: absolute and squared channel differences, changed pixels. */
class Totals {
  pixels = 0
  absolute = 0
  squared = 0
  changed = 0

  minus(other: Totals): Totals {
    const out = new Totals()
    out.pixels = this.pixels - other.pixels
    out.absolute = this.absolute - other.absolute
    out.squared = this.squared - other.squared
    out.changed = this.changed - other.changed
    return out
  }

  result(ssimValue: number | null): RegionComparison {
    const samples = this.pixels * 3
    const mse = samples === 0 ? 0 : this.squared / samples
    return {
      pixels: this.pixels,
      psnr: mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse),
      ssim: ssimValue,
      mae: samples === 0 ? 0 : this.absolute / samples,
      changedPixels: this.changed,
      changedRatio: this.pixels === 0 ? 0 : this.changed / this.pixels,
    }
  }
}
