/**
 * What images are accepted: the format allow-list and the size limits, with defaults that suit ComfyUI
 * inputs and refuse decompression bombs before a single pixel is decoded.
 * @module
 */
import { InvalidArgumentError } from '../errors.js'

/**
 * Raster formats that sharp decodes without running scripts or fetching anything: SVG and PDF (which render
 * documents) and the raw/magick loaders are never accepted. `heif` is sharp's name for AVIF (and HEIC).
 */
export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff' | 'heif'

export const SAFE_IMAGE_FORMATS: readonly ImageFormat[] = Object.freeze(['png', 'jpeg', 'webp', 'gif', 'tiff', 'heif'])

/** How strictly damaged pixel data is refused (sharp's `failOn`); `error` also refuses truncated files. */
export type DecodeStrictness = 'truncated' | 'error' | 'warning'

export interface ImageLimits {
  /** Formats accepted, detected from the bytes (never from the file name). Default: all {@link SAFE_IMAGE_FORMATS}. */
  readonly formats?: readonly ImageFormat[]
  /** Largest input, in bytes. Default 64 MiB. */
  readonly maxBytes?: number
  /** Most pixels (width x height) an image may declare. Default 8192 x 8192. */
  readonly maxPixels?: number
  /** Longest side an image may declare. Default 16384. */
  readonly maxDimension?: number
  /** Accept animated images (only their first frame is used). Default false. */
  readonly allowAnimated?: boolean
  /** Default `error`: truncated or undecodable data is refused, harmless encoder warnings are not. */
  readonly failOn?: DecodeStrictness
}

export type ResolvedLimits = Required<ImageLimits>

export const DEFAULT_IMAGE_LIMITS: ResolvedLimits = Object.freeze({
  formats: SAFE_IMAGE_FORMATS,
  maxBytes: 64 * 1024 * 1024,
  maxPixels: 8192 * 8192,
  maxDimension: 16384,
  allowAnimated: false,
  failOn: 'error',
})

/** Fills in defaults and refuses nonsensical limits. */
export function resolveLimits(limits: ImageLimits = {}): ResolvedLimits {
  const resolved: ResolvedLimits = { ...DEFAULT_IMAGE_LIMITS, ...stripUndefined(limits) }
  for (const key of ['maxBytes', 'maxPixels', 'maxDimension'] as const) {
    const value = resolved[key]
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new InvalidArgumentError(`image limits: ${key} must be a positive integer, received ${String(value)}`)
    }
  }
  for (const format of resolved.formats) {
    if (!SAFE_IMAGE_FORMATS.includes(format)) {
      throw new InvalidArgumentError(
        `image limits: format "${String(format)}" cannot be allowed; choose from ${SAFE_IMAGE_FORMATS.join(', ')}`,
      )
    }
  }
  return resolved
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

const EXTENSIONS: Record<ImageFormat, readonly string[]> = {
  png: ['.png'],
  jpeg: ['.jpg', '.jpeg', '.jpe', '.jfif'],
  webp: ['.webp'],
  gif: ['.gif'],
  tiff: ['.tif', '.tiff'],
  heif: ['.avif', '.heif', '.heic', '.hif'],
}

/** Whether a file extension (with its dot, any case) is one of the usual ones for a format. */
export function extensionFits(format: string, extension: string): boolean {
  const known = EXTENSIONS[format as ImageFormat] as readonly string[] | undefined
  return known !== undefined && known.includes(extension.toLowerCase())
}
