/**
 * The geometry of `prepareImage`: from the original size to a size that fits within a longest side and whose
 * width and height are multiples of 8 (or 64...), and back. Pure arithmetic, shared by images and masks.
 * @module
 */
import { InvalidArgumentError } from '../errors.js'

/**
 * How a prepared image relates to its original. `contentWidth` x `contentHeight` is the resized original;
 * `width` x `height` is the prepared image, larger than the content only when padded (to the right and bottom).
 */
export interface ResizeTransform {
  readonly originalWidth: number
  readonly originalHeight: number
  readonly contentWidth: number
  readonly contentHeight: number
  readonly width: number
  readonly height: number
  /** contentWidth / originalWidth */
  readonly scaleX: number
  /** contentHeight / originalHeight */
  readonly scaleY: number
}

/**
 * - `resize` (default): scale to exact multiples; the aspect ratio moves by less than one step (under 1% at
 *   768 px with steps of 8). Every original pixel is kept.
 * - `pad`: keep the aspect ratio; extend the right and bottom edges (repeating the edge pixels) up to the
 *   next multiple.
 */
export type FitMode = 'resize' | 'pad'

export interface ResizePlanOptions {
  /** Longest side of the result (default 1024); rounded down to a multiple of `multipleOf`. */
  readonly maxSide?: number
  /** Width and height become multiples of this (default 8; 64 for some models). */
  readonly multipleOf?: number
  readonly fit?: FitMode
  /** Also enlarge images smaller than `maxSide` (default false: only shrink). */
  readonly upscale?: boolean
}

/** Computes the prepared size of a `width` x `height` image. */
export function planResize(width: number, height: number, options: ResizePlanOptions = {}): ResizeTransform {
  const multiple = positiveInteger(options.multipleOf ?? 8, 'multipleOf')
  const requested = positiveInteger(options.maxSide ?? 1024, 'maxSide')
  positiveInteger(width, 'width')
  positiveInteger(height, 'height')
  const maxSide = Math.floor(requested / multiple) * multiple
  if (maxSide < multiple) {
    throw new InvalidArgumentError(`maxSide ${requested} is smaller than multipleOf ${multiple}`)
  }
  const ratio = maxSide / Math.max(width, height)
  const scale = options.upscale === true ? ratio : Math.min(1, ratio)
  // A hair of tolerance so that 1024 * 0.75 lands on 768, not 767.99...:
  const exact = (side: number) => side * scale + 1e-9
  let contentWidth: number
  let contentHeight: number
  let outWidth: number
  let outHeight: number
  if ((options.fit ?? 'resize') === 'pad') {
    contentWidth = Math.min(maxSide, Math.max(1, Math.round(exact(width))))
    contentHeight = Math.min(maxSide, Math.max(1, Math.round(exact(height))))
    outWidth = Math.ceil(contentWidth / multiple) * multiple
    outHeight = Math.ceil(contentHeight / multiple) * multiple
  } else {
    contentWidth = outWidth = Math.max(multiple, Math.floor(exact(width) / multiple) * multiple)
    contentHeight = outHeight = Math.max(multiple, Math.floor(exact(height) / multiple) * multiple)
  }
  return {
    originalWidth: width,
    originalHeight: height,
    contentWidth,
    contentHeight,
    width: outWidth,
    height: outHeight,
    scaleX: contentWidth / width,
    scaleY: contentHeight / height,
  }
}

export interface Point {
  readonly x: number
  readonly y: number
}

/** Maps a point in original pixel coordinates into the prepared image. */
export function toPreparedPoint(transform: ResizeTransform, point: Point): Point {
  return { x: point.x * transform.scaleX, y: point.y * transform.scaleY }
}

/** Maps a point in the prepared image back to original pixel coordinates. */
export function toOriginalPoint(transform: ResizeTransform, point: Point): Point {
  return { x: point.x / transform.scaleX, y: point.y / transform.scaleY }
}

/** Whether the prepared image is the original, untouched in size. */
export function isIdentity(transform: ResizeTransform): boolean {
  return (
    transform.width === transform.originalWidth &&
    transform.height === transform.originalHeight &&
    transform.contentWidth === transform.width &&
    transform.contentHeight === transform.height
  )
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${name} must be a positive integer, received ${String(value)}`)
  }
  return value
}
