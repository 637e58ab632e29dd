/**
 * Errors of the image utilities. Each names the image it is about (a file path, or the name given to a
 * buffer or stream) and says why it was refused.
 * @module
 */
import { ComfyError, type ComfyErrorOptions } from '../errors.js'

/**
 * Why an image was refused:
 * - `unreadable`: the file or stream could not be read at all;
 * - `empty`: zero bytes;
 * - `too-large`: more bytes than `maxBytes`;
 * - `format`: not an image sharp recognises, or a format outside the allow-list;
 * - `dimensions`: a side longer than `maxDimension`;
 * - `pixels`: more pixels than `maxPixels` (decompression bombs end here, before any decoding);
 * - `animated`: several frames where one was expected;
 * - `corrupt`: the header or the pixel data cannot be decoded (truncated, damaged, bad checksum).
 */
export type ImageRejection =
  | 'unreadable'
  | 'empty'
  | 'too-large'
  | 'format'
  | 'dimensions'
  | 'pixels'
  | 'animated'
  | 'corrupt'

/** An image that cannot be used: says which one (`source`) and why (`reason`, `detail`). */
export class InvalidImageError extends ComfyError {
  constructor(
    readonly source: string,
    readonly reason: ImageRejection,
    readonly detail: string,
    options: ComfyErrorOptions = {},
  ) {
    super(`${source}: image rejected (${reason}): ${detail}`, { ...options, file: options.file ?? source })
  }
}

/** An output path that already exists, when the caller did not ask to overwrite it. */
export class OutputExistsError extends ComfyError {
  constructor(readonly outputPath: string) {
    super(`${outputPath}: output file already exists; pass overwrite: true to replace it`, { file: outputPath })
  }
}

/** Workflow metadata embedded in an image that cannot be read or written (bad JSON, oversized text...). */
export class ImageMetadataError extends ComfyError {
  constructor(
    readonly source: string,
    readonly key: string | undefined,
    readonly detail: string,
    options: ComfyErrorOptions = {},
  ) {
    const where = key === undefined ? source : `${source} (metadata "${key}")`
    super(`${where}: ${detail}`, { ...options, file: options.file ?? source })
  }
}
