/**
 * Masks read from images, the way ComfyUI's loaders read them.
 * @module
 */
import { InvalidArgumentError } from '../../errors.js'
import { decodeOrThrow, decoder, openImage } from '../inspect.js'
import type { ImageInput } from '../input.js'
import type { ImageLimits } from '../limits.js'
import type { Mask } from './mask.js'

export interface MaskReadOptions {
  readonly limits?: ImageLimits
}

/**
 * The mask `LoadImage` outputs for this image: 255 - alpha, so transparent pixels are masked. An image
 * without alpha gives an all-0 mask of its own size (ComfyUI then emits a 64x64 zero mask). EXIF
 * orientation is applied first, as `LoadImage` does.
 */
export async function maskFromAlpha(input: ImageInput, options: MaskReadOptions = {}): Promise<Mask> {
  return maskFromImage(input, { ...options, channel: 'alpha' })
}

/**
 * Which value of each pixel becomes the mask:
 * - `red`, `green`, `blue`: that channel as is (white = masked), exactly as `LoadImageMask` reads it;
 * - `alpha`: 255 - alpha (transparent = masked), as `LoadImage` and `LoadImageMask` with `alpha` read it;
 * - `luminance` (default): Rec. 601 luma of the colour, so a black-and-white mask image reads the same
 *   whatever its channel layout.
 */
export type MaskChannel = 'luminance' | 'red' | 'green' | 'blue' | 'alpha'

export interface MaskFromImageOptions extends MaskReadOptions {
  readonly channel?: MaskChannel
  /** Make the mask binary: values at or above the threshold become 255, others 0. */
  readonly threshold?: number
}

/** Reads a mask from a black-and-white (or any) image; white means masked. */
export async function maskFromImage(input: ImageInput, options: MaskFromImageOptions = {}): Promise<Mask> {
  const channel = options.channel ?? 'luminance'
  const threshold = options.threshold
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 255)) {
    throw new InvalidArgumentError(`mask threshold must be between 0 and 255, received ${threshold}`)
  }
  const image = await openImage(input, options.limits)
  const { data: pixels, info } = await decodeOrThrow(
    image,
    decoder(image).toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true }),
  )
  const { width, height } = info
  const data = new Uint8Array(width * height)
  const offset = CHANNEL_OFFSET[channel]
  for (let i = 0, j = 0; i < data.length; i++, j += 4) {
    let value: number
    if (offset === undefined) {
      value = Math.round(0.299 * pixels[j]! + 0.587 * pixels[j + 1]! + 0.114 * pixels[j + 2]!)
    } else {
      value = pixels[j + offset]!
      if (offset === 3) value = 255 - value
    }
    data[i] = threshold === undefined ? value : value >= threshold ? 255 : 0
  }
  return { width, height, data }
}

const CHANNEL_OFFSET: Record<MaskChannel, number | undefined> = {
  luminance: undefined,
  red: 0,
  green: 1,
  blue: 2,
  alpha: 3,
}
