/**
 * Masks drawn from rectangles and polygons given in pixel coordinates (x to the right, y down, (0, 0) the
 * top-left corner of the top-left pixel). A pixel is masked when its centre lies inside a shape, so edges
 * are hard; use `featherMask` for soft ones.
 * @module
 */
import { InvalidArgumentError } from '../../errors.js'
import type { Point } from '../transform.js'
import { createMask, type Mask } from './mask.js'

export interface Rect {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/** A polygon vertex: `{ x, y }` or `[x, y]`. */
export type PolygonPoint = Point | readonly [number, number]

/** A width x height mask with every rectangle masked (255). */
export function maskFromRects(width: number, height: number, rects: readonly Rect[]): Mask {
  const mask = createMask(width, height)
  rects.forEach((rect, index) => {
    for (const key of ['x', 'y', 'width', 'height'] as const) {
      if (!Number.isFinite(rect[key])) {
        throw new InvalidArgumentError(`rects[${index}].${key} must be a finite number, received ${String(rect[key])}`)
      }
    }
    if (rect.width < 0 || rect.height < 0) {
      throw new InvalidArgumentError(`rects[${index}] has a negative size ${rect.width}x${rect.height}`)
    }
    const [left, right] = coveredRange(rect.x, rect.x + rect.width, width)
    const [top, bottom] = coveredRange(rect.y, rect.y + rect.height, height)
    for (let y = top; y < bottom; y++) mask.data.fill(255, y * width + left, y * width + right)
  })
  return mask
}

/**
 * A width x height mask with every polygon masked (255). Each polygon is filled with the non-zero winding
 * rule, so self-intersecting outlines fill like SVG's default; several polygons add up (for a hole,
 * subtract one mask from another with `combineMasks`).
 */
export function maskFromPolygons(width: number, height: number, polygons: readonly (readonly PolygonPoint[])[]): Mask {
  const mask = createMask(width, height)
  polygons.forEach((polygon, index) => fillPolygon(mask, toPoints(polygon, index)))
  return mask
}

function fillPolygon(mask: Mask, points: readonly Point[]): void {
  const { width, height, data } = mask
  let minY = Infinity
  let maxY = -Infinity
  for (const p of points) {
    minY = Math.min(minY, p.y)
    maxY = Math.max(maxY, p.y)
  }
  const [top, bottom] = coveredRange(minY, maxY, height)
  const crossings: { x: number; winding: number }[] = []
  for (let row = top; row < bottom; row++) {
    const cy = row + 0.5
    crossings.length = 0
    for (let i = 0; i < points.length; i++) {
      const a = points[i]!
      const b = points[(i + 1) % points.length]!
      // Half-open in y, so a vertex on the scanline is counted once:
      const up = a.y <= cy && b.y > cy
      const down = b.y <= cy && a.y > cy
      if (!up && !down) continue
      crossings.push({ x: a.x + ((cy - a.y) * (b.x - a.x)) / (b.y - a.y), winding: up ? 1 : -1 })
    }
    crossings.sort((p, q) => p.x - q.x)
    let winding = 0
    for (let i = 0; i < crossings.length - 1; i++) {
      winding += crossings[i]!.winding
      if (winding === 0) continue
      const [left, right] = coveredRange(crossings[i]!.x, crossings[i + 1]!.x, width)
      if (right > left) data.fill(255, row * width + left, row * width + right)
    }
  }
}

/** Pixels whose centre c + 0.5 lies in [start, end), clipped to [0, size). */
function coveredRange(start: number, end: number, size: number): [number, number] {
  const first = Math.max(0, Math.ceil(start - 0.5))
  const last = Math.min(size, Math.ceil(end - 0.5))
  return [first, Math.max(first, last)]
}

function toPoints(polygon: readonly PolygonPoint[], index: number): Point[] {
  if (!Array.isArray(polygon) || polygon.length < 3) {
    throw new InvalidArgumentError(`polygons[${index}] needs at least 3 points`)
  }
  return polygon.map((p: PolygonPoint, i) => {
    const point = isTuple(p) ? { x: p[0], y: p[1] } : { x: p.x, y: p.y }
    if (!Number.isFinite(point.x) || !Number.isFinite(point.y)) {
      throw new InvalidArgumentError(`polygons[${index}][${i}] must have finite x and y, received ${JSON.stringify(p)}`)
    }
    return point
  })
}

function isTuple(p: PolygonPoint): p is readonly [number, number] {
  return Array.isArray(p)
}
