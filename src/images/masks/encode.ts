/**
 * Masks written as the PNG files ComfyUI loads:
 * - {@link maskToPng}: a greyscale image, white = masked, for `LoadImageMask` with channel red, green or blue;
 * - {@link maskToAlphaPng}: black with alpha = 255 - mask, for `LoadImageMask` with channel alpha, or the
 *   `/upload/mask` endpoint (which copies this alpha into the original image, like the mask editor);
 * - {@link applyMask}: the image itself with alpha = 255 - mask, for `LoadImage` (IMAGE and MASK at once).
 * @module
 */
import sharp from 'sharp'
import { InvalidArgumentError } from '../../errors.js'
import { decodeOrThrow, decoder, openImage } from '../inspect.js'
import type { ImageInput } from '../input.js'
import type { ImageLimits } from '../limits.js'
import { emit, type OutputOptions } from '../output.js'
import { encodeRgbaPng } from '../png-encode.js'
import { assertMask, maskToAlpha, type Mask } from './mask.js'

export interface EncodedImage {
  /** PNG bytes. */
  readonly data: Buffer
  readonly width: number
  readonly height: number
  /** The file written, when `out` was given. */
  readonly path: string | undefined
}

/** Greyscale PNG, white = masked. */
export async function maskToPng(mask: Mask, options: OutputOptions = {}): Promise<EncodedImage> {
  assertMask(mask)
  const data = await sharp(mask.data, { raw: { width: mask.width, height: mask.height, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer()
  return { data, width: mask.width, height: mask.height, path: await emit(data, options) }
}

/** Black RGBA PNG whose alpha is 255 - mask (transparent = masked). */
export async function maskToAlphaPng(mask: Mask, options: OutputOptions = {}): Promise<EncodedImage> {
  assertMask(mask)
  const black = new Uint8Array(mask.data.length * 3)
  const data = await encodeRgbaPng(black, maskToAlpha(mask), mask.width, mask.height)
  return { data, width: mask.width, height: mask.height, path: await emit(data, options) }
}

export interface ApplyMaskOptions extends OutputOptions {
  readonly limits?: ImageLimits
}

/**
 * The image as an RGBA PNG whose alpha is 255 - mask; the colour under masked pixels is kept as is (not
 * premultiplied), since `LoadImage` drops alpha without compositing. Any alpha the image had is replaced.
 */
export async function applyMask(image: ImageInput, mask: Mask, options: ApplyMaskOptions = {}): Promise<EncodedImage> {
  assertMask(mask)
  const opened = await openImage(image, options.limits)
  const { width, height } = opened.info
  if (mask.width !== width || mask.height !== height) {
    throw new InvalidArgumentError(`mask is ${mask.width}x${mask.height} but ${opened.info.source} is ${width}x${height}`)
  }
  const rgb = await decodeOrThrow(opened, decoder(opened).toColourspace('srgb').removeAlpha().raw().toBuffer())
  const data = await encodeRgbaPng(rgb, maskToAlpha(mask), width, height)
  return { data, width, height, path: await emit(data, options) }
}
