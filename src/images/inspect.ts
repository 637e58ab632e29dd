/**
 * Reading what an image is (`inspectImage`) and refusing what must not be used (`validateImage`): a format
 * outside the allow-list, too many bytes or pixels, several frames, damaged data. Header checks come first,
 * so a decompression bomb is refused from its declared size without decoding anything.
 * @module
 */
import { extname } from 'node:path'
import sharp, { type Metadata, type Sharp } from 'sharp'
import { InvalidImageError } from './errors.js'
import { readImageInput, type ImageInput } from './input.js'
import { extensionFits, resolveLimits, type ImageFormat, type ImageLimits, type ResolvedLimits } from './limits.js'

export interface ImageInfo {
  /** Where the image came from: its path, the name given with it, `<buffer>` or `<stream>`. */
  readonly source: string
  /** Format detected from the bytes (sharp's name: `jpeg`, `png`, `webp`, `gif`, `tiff`, `heif`, `svg`...). */
  readonly format: string
  readonly byteLength: number
  /** Width as displayed, that is after the EXIF orientation is applied. */
  readonly width: number
  /** Height as displayed, that is after the EXIF orientation is applied. */
  readonly height: number
  /** Width as stored in the file, before orientation. */
  readonly storedWidth: number
  /** Height as stored in the file, before orientation. */
  readonly storedHeight: number
  /** EXIF orientation, 1 (upright) when absent. */
  readonly orientation: number
  readonly channels: number
  readonly hasAlpha: boolean
  /** sharp's colour space name: `srgb`, `b-w`, `cmyk`, `rgb16`, `grey16`... */
  readonly space: string
  /** Bits per sample: 8 for most images, 16 for 16-bit PNG/TIFF (1, 2 or 4 for small palettes). */
  readonly bitDepth: number
  readonly hasIccProfile: boolean
  /** Frames or pages; more than 1 for an animated GIF/WebP or a multi-page TIFF. */
  readonly pages: number
  readonly animated: boolean
  /** The file's extension when it came from a path, e.g. `.jpg`. */
  readonly extension: string | undefined
  /** False when the extension is not a usual one for the detected format (a PNG named `.jpg`). */
  readonly extensionMatches: boolean | undefined
}

/** An image read into memory whose header passed the limits. */
export interface CheckedImage {
  readonly bytes: Buffer
  readonly info: ImageInfo
  readonly limits: ResolvedLimits
}

export interface InspectOptions {
  /** Only `maxBytes` is applied: inspecting reports, it does not judge. */
  readonly limits?: ImageLimits
}

/**
 * Reads an image's header and describes it. Refuses only what cannot be described: unreadable input, zero
 * bytes, more than `maxBytes`, not an image, or a damaged header.
 */
export async function inspectImage(input: ImageInput, options: InspectOptions = {}): Promise<ImageInfo> {
  const limits = resolveLimits(options.limits)
  const { bytes, source, path } = await readImageInput(input, limits.maxBytes)
  return describe(bytes, source, path)
}

export interface ValidateOptions {
  readonly limits?: ImageLimits
  /** Decode every pixel to prove the data is intact (default true); false checks the header only. */
  readonly decode?: boolean
}

/** Describes an image and throws {@link InvalidImageError} when it breaks any limit or does not decode. */
export async function validateImage(input: ImageInput, options: ValidateOptions = {}): Promise<ImageInfo> {
  const image = await openImage(input, options.limits)
  if (options.decode !== false) await decodeOrThrow(image, decoder(image).stats())
  return image.info
}

/** Reads an image and applies the header checks of `limits`; the pixels are decoded later by the caller. */
export async function openImage(input: ImageInput, limits?: ImageLimits): Promise<CheckedImage> {
  const resolved = resolveLimits(limits)
  const { bytes, source, path } = await readImageInput(input, resolved.maxBytes)
  const info = await describe(bytes, source, path)
  checkHeader(info, resolved)
  return { bytes, info, limits: resolved }
}

/** A sharp pipeline on a checked image: limits enforced again by sharp, EXIF orientation applied. */
export function decoder(image: CheckedImage): Sharp {
  return sharp(image.bytes, {
    failOn: image.limits.failOn,
    limitInputPixels: image.limits.maxPixels,
    autoOrient: true,
  })
}

/** Awaits a sharp result; a failure means the pixel data is damaged, reported against the image's source. */
export async function decodeOrThrow<T>(image: CheckedImage, result: Promise<T>): Promise<T> {
  try {
    return await result
  } catch (error) {
    throw sharpFailure(image.info.source, error)
  }
}

function checkHeader(info: ImageInfo, limits: ResolvedLimits): void {
  const reject = (reason: ConstructorParameters<typeof InvalidImageError>[1], detail: string): never => {
    throw new InvalidImageError(info.source, reason, detail)
  }
  if (!limits.formats.includes(info.format as ImageFormat)) {
    reject('format', `${info.format} is not an accepted format (accepted: ${limits.formats.join(', ')})`)
  }
  const longest = Math.max(info.storedWidth, info.storedHeight)
  if (longest > limits.maxDimension) {
    reject('dimensions', `${info.storedWidth}x${info.storedHeight}: a side is longer than ${limits.maxDimension} px`)
  }
  const pixels = info.storedWidth * info.storedHeight
  if (pixels > limits.maxPixels) {
    const size = `${info.storedWidth}x${info.storedHeight}`
    reject('pixels', `${size} is ${pixels} pixels, more than the limit of ${limits.maxPixels}`)
  }
  if (info.animated && !limits.allowAnimated) {
    reject('animated', `${info.pages} frames or pages; pass allowAnimated to use the first one`)
  }
}

/** Describes bytes already in memory (see {@link inspectImage}). */
export async function describe(bytes: Buffer, source: string, path: string | undefined): Promise<ImageInfo> {
  if (bytes.length === 0) throw new InvalidImageError(source, 'empty', 'zero bytes')
  let meta: Metadata
  try {
    // Only the header is read here, so no pixel limit is needed yet; checkHeader applies it with a clear message:
    meta = await sharp(bytes, { limitInputPixels: false }).metadata()
  } catch (error) {
    throw sharpFailure(source, error)
  }
  const extension = path === undefined ? undefined : extname(path) || undefined
  const pages = meta.pages ?? 1
  return {
    source,
    format: meta.format,
    byteLength: bytes.length,
    width: meta.autoOrient.width,
    height: meta.autoOrient.height,
    storedWidth: meta.width,
    storedHeight: meta.height,
    orientation: meta.orientation ?? 1,
    channels: meta.channels,
    hasAlpha: meta.hasAlpha,
    space: meta.space,
    bitDepth: meta.bitsPerSample ?? DEPTH_BITS[meta.depth] ?? 8,
    hasIccProfile: meta.hasProfile,
    pages,
    animated: pages > 1,
    extension,
    extensionMatches: extension === undefined ? undefined : extensionFits(meta.format, extension),
  }
}

const DEPTH_BITS: Partial<Record<string, number>> = {
  uchar: 8,
  char: 8,
  ushort: 16,
  short: 16,
  uint: 32,
  int: 32,
  float: 32,
  double: 64,
}

function sharpFailure(source: string, error: unknown): InvalidImageError {
  if (error instanceof InvalidImageError) return error
  const message = error instanceof Error ? error.message : String(error)
  if (/unsupported image format/i.test(message)) {
    return new InvalidImageError(source, 'format', 'not an image format sharp can read', { cause: error })
  }
  if (/is empty/i.test(message)) return new InvalidImageError(source, 'empty', 'zero bytes', { cause: error })
  if (/pixel limit/i.test(message)) return new InvalidImageError(source, 'pixels', message, { cause: error })
  return new InvalidImageError(source, 'corrupt', message.trim().replace(/:$/, ''), { cause: error })
}
