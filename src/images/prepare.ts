/**
 * `prepareImage`: turns any accepted image into the PNG a ComfyUI workflow should receive: upright (EXIF
 * orientation applied), sRGB 8-bit, within a longest side, width and height multiples of 8 (or 64), alpha
 * kept only when it carries a mask. It returns the geometry needed to map results back.
 * @module
 */
import sharp, { type Sharp } from 'sharp'
import { InvalidArgumentError } from '../errors.js'
import { decodeOrThrow, decoder, openImage, type ImageInfo } from './inspect.js'
import type { ImageInput } from './input.js'
import type { ImageLimits } from './limits.js'
import { encodeRgbaPng } from './png-encode.js'
import { assertMask, maskToAlpha, type Mask } from './masks/mask.js'
import { resizeMask } from './masks/morphology.js'
import { emit, type OutputOptions } from './output.js'
import { planResize, type ResizePlanOptions, type ResizeTransform } from './transform.js'

/**
 * PNG encoding of prepared uploads. The defaults are Pillow's (zlib 6, a filter chosen per row), chosen by
 * measurement (bench/png-settings.bench.ts): on the fixture photos about 29% smaller than without filtering,
 * every file at most Pillow's size, for about 1.3-1.7x the CPU of unfiltered level 6 (and a third of Pillow's).
 */
export interface PngOptions {
  /** zlib level 0-9 (default 6). */
  readonly compressionLevel?: number
  /** Per-row filter choice (default true); false encodes faster and much larger photos. */
  readonly adaptiveFiltering?: boolean
}

/** The PNG settings `prepareImage` uses unless told otherwise. */
export const DEFAULT_PNG_OPTIONS: Required<PngOptions> = { compressionLevel: 6, adaptiveFiltering: true }

export interface PrepareOptions extends ResizePlanOptions, OutputOptions {
  readonly limits?: ImageLimits
  /**
   * A mask drawn on the original image (its upright size): written into the output's alpha as
   * 255 - mask, so `LoadImage` outputs it as its MASK. It replaces any alpha the image has.
   */
  readonly mask?: Mask
  /** `auto` (default): keep the image's alpha only when some pixel is not opaque; `drop`: never keep it. */
  readonly alpha?: 'auto' | 'drop'
  readonly png?: PngOptions
}

export interface PreparedImage {
  /** PNG bytes. */
  readonly data: Buffer
  readonly width: number
  readonly height: number
  /** Whether the PNG has an alpha channel (it then carries a mask). */
  readonly hasAlpha: boolean
  /** How to map coordinates and results back to the original: see `restoreSize` and `toOriginalPoint`. */
  readonly transform: ResizeTransform
  /** What the input was. */
  readonly original: ImageInfo
  /** The file written, when `out` was given. */
  readonly path: string | undefined
}

export async function prepareImage(input: ImageInput, options: PrepareOptions = {}): Promise<PreparedImage> {
  const image = await openImage(input, options.limits)
  const { info } = image
  const transform = planResize(info.width, info.height, options)
  const png = {
    compressionLevel: options.png?.compressionLevel ?? DEFAULT_PNG_OPTIONS.compressionLevel,
    adaptiveFiltering: options.png?.adaptiveFiltering ?? DEFAULT_PNG_OPTIONS.adaptiveFiltering,
  }
  if (options.mask !== undefined) {
    assertMask(options.mask)
    if (options.mask.width !== info.width || options.mask.height !== info.height) {
      throw new InvalidArgumentError(
        `mask is ${options.mask.width}x${options.mask.height} but ${info.source} is ${info.width}x${info.height}`,
      )
    }
  }

  let data: Buffer
  let hasAlpha = false
  if (options.mask === undefined && !info.hasAlpha) {
    data = await decodeOrThrow(image, fitRgb(decoder(image), transform).png(png).toBuffer())
  } else {
    // Colour and alpha are resized apart: resizing RGBA premultiplies, which would blacken the colour
    // under transparent pixels, and that colour is what LoadImage passes on as the IMAGE:
    const full = await decodeOrThrow(
      image,
      decoder(image).toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true }),
    )
    const { width, height } = full.info
    const { rgb: fullRgb, alpha: fullAlpha } = splitAlpha(full.data)
    const alpha = options.mask !== undefined ? maskToAlpha(options.mask) : options.alpha === 'drop' ? undefined : fullAlpha
    const colour = fitRgb(sharp(fullRgb, { raw: { width, height, channels: 3 } }), transform)
    if (alpha === undefined) {
      data = await colour.png(png).toBuffer()
    } else {
      const [rgb, resizedAlpha] = await Promise.all([
        colour.raw().toBuffer(),
        resizeMask({ width, height, data: alpha }, transform.contentWidth, transform.contentHeight),
      ])
      data = await encodeRgbaPng(rgb, padAlpha(resizedAlpha, transform), transform.width, transform.height, png)
      hasAlpha = true
    }
  }
  const path = await emit(data, options)
  return { data, width: transform.width, height: transform.height, hasAlpha, transform, original: info, path }
}

/** Resize to the content size, then pad right and bottom with copies of the edge pixels. */
function fitRgb(pipeline: Sharp, transform: ResizeTransform): Sharp {
  let out = pipeline.resize(transform.contentWidth, transform.contentHeight, { fit: 'fill' })
  const right = transform.width - transform.contentWidth
  const bottom = transform.height - transform.contentHeight
  if (right > 0 || bottom > 0) out = out.extend({ right, bottom, extendWith: 'copy' })
  return out.toColourspace('srgb')
}

/**
 * RGBA bytes split into colour and alpha (undefined when every pixel is opaque). sharp premultiplies any
 * image with alpha before resizing, even when the alpha is removed in the same pipeline, so the colour
 * must reach it as a separate 3-band image.
 */
function splitAlpha(rgba: Uint8Array): { rgb: Uint8Array; alpha: Uint8Array | undefined } {
  const pixels = rgba.length / 4
  const rgb = new Uint8Array(pixels * 3)
  const alpha = new Uint8Array(pixels)
  let opaque = true
  for (let i = 0, s = 0, d = 0; i < pixels; i++, s += 4, d += 3) {
    rgb[d] = rgba[s]!
    rgb[d + 1] = rgba[s + 1]!
    rgb[d + 2] = rgba[s + 2]!
    const a = rgba[s + 3]!
    alpha[i] = a
    if (a !== 255) opaque = false
  }
  return { rgb, alpha: opaque ? undefined : alpha }
}

/** Alpha of the content area, opaque (unmasked) in the padding. */
function padAlpha(content: Mask, transform: ResizeTransform): Uint8Array {
  if (content.width === transform.width && content.height === transform.height) return content.data
  const out = new Uint8Array(transform.width * transform.height).fill(255)
  for (let y = 0; y < content.height; y++) {
    out.set(content.data.subarray(y * content.width, (y + 1) * content.width), y * transform.width)
  }
  return out
}
