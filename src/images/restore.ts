/**
 * `restoreSize`: maps a result made from a prepared image back to the original's size, undoing the
 * padding and the scaling of `prepareImage`. Results larger than the prepared image (an upscaling workflow)
 * are handled by proportion.
 * @module
 */
import { InvalidArgumentError } from '../errors.js'
import { decodeOrThrow, decoder, openImage } from './inspect.js'
import type { ImageInput } from './input.js'
import type { ImageLimits } from './limits.js'
import { emit, type OutputOptions } from './output.js'
import type { ResizeTransform } from './transform.js'

export interface RestoreOptions extends OutputOptions {
  readonly limits?: ImageLimits
  /** Output format (default `png`). */
  readonly format?: 'png' | 'jpeg' | 'webp'
  /** Quality for jpeg and webp (default 90). */
  readonly quality?: number
}

export interface RestoredImage {
  readonly data: Buffer
  readonly width: number
  readonly height: number
  readonly format: 'png' | 'jpeg' | 'webp'
  readonly path: string | undefined
}

export async function restoreSize(
  result: ImageInput,
  transform: ResizeTransform,
  options: RestoreOptions = {},
): Promise<RestoredImage> {
  const image = await openImage(result, options.limits)
  const { width, height } = image.info
  const kx = width / transform.width
  const ky = height / transform.height
  // Same aspect as the prepared image, within rounding of one result pixel:
  const sameAspect =
    Math.abs(kx * transform.height - height) <= Math.max(1, kx) && Math.abs(ky * transform.width - width) <= Math.max(1, ky)
  if (!sameAspect) {
    throw new InvalidArgumentError(
      `${image.info.source} is ${width}x${height}, ` +
        `not a scaled copy of the prepared ${transform.width}x${transform.height} image`,
    )
  }
  const contentWidth = Math.min(width, Math.round(transform.contentWidth * kx))
  const contentHeight = Math.min(height, Math.round(transform.contentHeight * ky))
  let pipeline = decoder(image)
  if (contentWidth !== width || contentHeight !== height) {
    pipeline = pipeline.extract({ left: 0, top: 0, width: contentWidth, height: contentHeight })
  }
  pipeline = pipeline.resize(transform.originalWidth, transform.originalHeight, { fit: 'fill' }).toColourspace('srgb')
  const format = options.format ?? 'png'
  const quality = options.quality ?? 90
  const encoded =
    format === 'png' ? pipeline.png() : format === 'jpeg' ? pipeline.jpeg({ quality }) : pipeline.webp({ quality })
  const data = await decodeOrThrow(image, encoded.toBuffer())
  return { data, width: transform.originalWidth, height: transform.originalHeight, format, path: await emit(data, options) }
}
