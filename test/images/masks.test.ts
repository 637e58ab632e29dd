import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../../src/errors.js'
import {
  applyMask,
  combineMasks,
  createMask,
  featherMask,
  growMask,
  invertMask,
  maskCoverage,
  maskFromAlpha,
  maskFromAlphaValues,
  maskFromFloat32,
  maskFromImage,
  maskFromPolygons,
  maskFromRects,
  maskToAlpha,
  maskToAlphaPng,
  maskToFloat32,
  maskToPng,
  planResize,
  prepareMask,
  resizeMask,
  type Mask,
} from '../../src/images/index.js'
import { DOG, POSE, imageFixture, makeHostileSet, type HostileSet } from './hostile-files.js'

let set: HostileSet
beforeAll(async () => {
  set = await makeHostileSet()
})
afterAll(() => set.cleanup())

const at = (mask: Mask, x: number, y: number) => mask.data[y * mask.width + x]
const count = (mask: Mask) => mask.data.reduce((n, v) => n + (v >= 128 ? 1 : 0), 0)

describe('masks from shapes', () => {
  it('rectangles cover the pixels whose centres they contain, clipped to the image', () => {
    const mask = maskFromRects(10, 8, [
      { x: 1, y: 1, width: 3, height: 2 },
      { x: 8.6, y: 6, width: 5, height: 5 },
    ])
    expect(count(mask)).toBe(6 + 2)
    expect([at(mask, 1, 1), at(mask, 3, 2), at(mask, 4, 1), at(mask, 0, 0), at(mask, 9, 7), at(mask, 8, 7)]).toEqual([
      255, 255, 0, 0, 255, 0,
    ])
    expect(count(maskFromRects(10, 8, [{ x: 2.4, y: 0, width: 0.2, height: 8 }]))).toBe(8)
    expect(count(maskFromRects(10, 8, [{ x: 2.6, y: 0, width: 0.3, height: 8 }]))).toBe(0)
  })

  it('polygons fill by area, accept both point forms, and follow the non-zero rule', () => {
    const triangle = maskFromPolygons(100, 100, [[[0, 0], { x: 100, y: 0 }, [0, 100]]])
    expect(Math.abs(count(triangle) - 5000)).toBeLessThanOrEqual(100)
    expect([at(triangle, 10, 10), at(triangle, 90, 90)]).toEqual([255, 0])
    // A pentagram: its centre winds twice, so non-zero fills it (even-odd would leave a hole):
    const star = Array.from({ length: 5 }, (_, i) => {
      const angle = -Math.PI / 2 + (i * 4 * Math.PI) / 5
      return [50 + 45 * Math.cos(angle), 50 + 45 * Math.sin(angle)] as const
    })
    expect(at(maskFromPolygons(100, 100, [star]), 50, 50)).toBe(255)
    const square = maskFromPolygons(20, 20, [[[5, 5], [15, 5], [15, 15], [5, 15]]])
    expect(Buffer.from(square.data).equals(Buffer.from(maskFromRects(20, 20, [{ x: 5, y: 5, width: 10, height: 10 }]).data))).toBe(true)
  })

  it('refuses bad shapes', () => {
    expect(() => maskFromPolygons(10, 10, [[[0, 0], [1, 1]]])).toThrow('at least 3 points')
    expect(() => maskFromPolygons(10, 10, [[[0, 0], [1, Number.NaN], [2, 2]]])).toThrow('polygons[0][1]')
    expect(() => maskFromRects(10, 10, [{ x: 0, y: 0, width: -1, height: 1 }])).toThrow('negative size')
    expect(() => maskFromRects(0, 10, [])).toThrow(InvalidArgumentError)
  })
})

describe('mask operations', () => {
  const square = () => maskFromRects(41, 41, [{ x: 20, y: 20, width: 1, height: 1 }])

  it('grows by exact Euclidean distance (a disc) and shrinks back', () => {
    const grown = growMask(square(), 10)
    // A disc of radius 10 around one pixel holds 317 pixels (Gauss circle problem, r = 10):
    expect(count(grown)).toBe(317)
    expect([at(grown, 30, 20), at(grown, 31, 20), at(grown, 27, 27), at(grown, 28, 28)]).toEqual([255, 0, 255, 0])
    const block = maskFromRects(40, 40, [{ x: 10, y: 10, width: 20, height: 20 }])
    expect(count(growMask(block, -3))).toBe(14 * 14)
    expect(count(growMask(block, -10))).toBe(0)
    expect(count(growMask(maskFromRects(10, 10, [{ x: 0, y: 0, width: 10, height: 10 }]), -2))).toBe(100)
    expect(growMask(block, 0).data).toEqual(block.data)
  })

  it('feathers edges into a ramp centred on the edge', async () => {
    const half = maskFromRects(64, 8, [{ x: 32, y: 0, width: 32, height: 8 }])
    const soft = await featherMask(half, 8)
    const row = Array.from({ length: 64 }, (_, x) => at(soft, x, 4)!)
    expect(row[0]).toBe(0)
    expect(row[63]).toBe(255)
    expect(Math.abs(row[31]! - 128) + Math.abs(row[32]! - 128)).toBeLessThan(60)
    for (let x = 1; x < 64; x++) expect(row[x]!).toBeGreaterThanOrEqual(row[x - 1]!)
    expect(row.filter((v) => v > 5 && v < 250).length).toBeGreaterThan(8)
    expect((await featherMask(half, 0)).data).toEqual(half.data)
  })

  it('inverts, combines and measures', () => {
    const a = maskFromRects(10, 10, [{ x: 0, y: 0, width: 5, height: 10 }])
    const b = maskFromRects(10, 10, [{ x: 0, y: 0, width: 10, height: 5 }])
    expect(maskCoverage(a)).toBe(0.5)
    expect(maskCoverage(invertMask(a))).toBe(0.5)
    expect(at(invertMask(a), 0, 0)).toBe(0)
    expect(maskCoverage(combineMasks('union', a, b))).toBe(0.75)
    expect(maskCoverage(combineMasks('intersect', a, b))).toBe(0.25)
    expect(maskCoverage(combineMasks('subtract', a, b))).toBe(0.25)
    expect(() => combineMasks('union', a, createMask(5, 5))).toThrow('mask 2 is 5x5')
    expect(() => invertMask({ width: 3, height: 3, data: new Uint8Array(4) })).toThrow('9 bytes')
  })

  it('converts to and from alpha and ComfyUI float masks', () => {
    const mask = maskFromFloat32(2, 2, [0, 0.5, 1, 2])
    expect([...mask.data]).toEqual([0, 128, 255, 255])
    expect([...maskToFloat32(mask)].map((v) => Math.round(v * 100) / 100)).toEqual([0, 0.5, 1, 1])
    expect([...maskToAlpha(mask)]).toEqual([255, 127, 0, 0])
    expect(maskFromAlphaValues(2, 2, maskToAlpha(mask)).data).toEqual(mask.data)
  })

  it('resizes and follows a prepared image geometry (padding unmasked)', async () => {
    const mask = maskFromRects(200, 300, [{ x: 0, y: 0, width: 200, height: 150 }])
    const half = await resizeMask(mask, 100, 150)
    expect([at(half, 50, 10), at(half, 50, 140)]).toEqual([255, 0])
    const transform = planResize(200, 300, { multipleOf: 64, fit: 'pad' })
    const prepared = await prepareMask(mask, transform)
    expect([prepared.width, prepared.height]).toEqual([256, 320])
    expect([at(prepared, 10, 10), at(prepared, 230, 10), at(prepared, 10, 310)]).toEqual([255, 0, 0])
    await expect(prepareMask(half, transform)).rejects.toThrow('mask is 100x150 but the image it belongs to is 200x300')
  })
})

describe('masks read from images, as ComfyUI reads them', () => {
  it('LoadImage semantics: transparent is masked, no alpha is no mask', async () => {
    const fromHole = await maskFromAlpha(set.holePng)
    expect([fromHole.width, fromHole.height]).toEqual([48, 32])
    expect(count(fromHole)).toBe(16 * 8)
    expect([at(fromHole, 8, 4), at(fromHole, 23, 11), at(fromHole, 24, 11)]).toEqual([255, 255, 0])
    expect(count(await maskFromAlpha(POSE))).toBe(0)
    expect(count(await maskFromAlpha(DOG))).toBe(0)
  })

  it('LoadImageMask semantics: a colour channel as is, white = masked', async () => {
    const png = await maskToPng(maskFromRects(20, 10, [{ x: 0, y: 0, width: 10, height: 10 }]))
    for (const channel of ['red', 'green', 'blue', 'luminance'] as const) {
      const mask = await maskFromImage(png.data, { channel })
      expect([count(mask), at(mask, 0, 0), at(mask, 19, 9)]).toEqual([100, 255, 0])
    }
    const red = await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 200, g: 0, b: 0 } } }).png().toBuffer()
    expect(at(await maskFromImage(red, { channel: 'red' }), 0, 0)).toBe(200)
    expect(at(await maskFromImage(red, { channel: 'green' }), 0, 0)).toBe(0)
    expect(at(await maskFromImage(red, { channel: 'red', threshold: 128 }), 0, 0)).toBe(255)
    expect(at(await maskFromImage(red), 0, 0)).toBe(Math.round(0.299 * 200))
  })

  it('reads a mask from the fixture scribble (white lines on black): the lines are masked', async () => {
    const scribble = await maskFromImage(imageFixture('comfyui-examples__controlnet_input_scribble_example.png'), { threshold: 128 })
    const coverage = maskCoverage(scribble)
    expect(coverage).toBeGreaterThan(0.02)
    expect(coverage).toBeLessThan(0.1)
    expect(at(scribble, 5, 5)).toBe(0)
    expect(maskCoverage(growMask(scribble, 3))).toBeGreaterThan(coverage * 2)
  })

  it('refuses hostile images with the usual reasons', async () => {
    await expect(maskFromAlpha(set.truncatedJpeg)).rejects.toMatchObject({ reason: 'corrupt' })
    await expect(maskFromImage(set.hugePng)).rejects.toMatchObject({ reason: 'dimensions' })
    await expect(maskFromImage(DOG, { threshold: 300 })).rejects.toThrow('between 0 and 255')
  })
})

describe('masks written for ComfyUI', () => {
  const mask = maskFromRects(48, 32, [{ x: 8, y: 4, width: 16, height: 8 }])

  it('maskToPng is a greyscale PNG that LoadImageMask reads back (red channel)', async () => {
    const png = await maskToPng(mask)
    const meta = await sharp(png.data).metadata()
    expect(meta).toMatchObject({ format: 'png', channels: 1, width: 48, height: 32 })
    expect((await maskFromImage(png.data, { channel: 'red' })).data).toEqual(mask.data)
  })

  it('maskToAlphaPng has alpha = 255 - mask (for /upload/mask and LoadImageMask alpha)', async () => {
    const png = await maskToAlphaPng(mask)
    expect((await sharp(png.data).metadata()).channels).toBe(4)
    expect((await maskFromAlpha(png.data)).data).toEqual(mask.data)
    expect((await maskFromImage(png.data, { channel: 'alpha' })).data).toEqual(mask.data)
  })

  it('applyMask gives LoadImage its IMAGE unchanged and the mask as MASK', async () => {
    const image = await sharp(set.bearBytes).resize(48, 32).png().toBuffer()
    const applied = await applyMask(image, mask)
    expect((await maskFromAlpha(applied.data)).data).toEqual(mask.data)
    const colour = await sharp(applied.data).removeAlpha().raw().toBuffer()
    expect(colour.equals(await sharp(image).raw().toBuffer())).toBe(true)
    await expect(applyMask(image, createMask(10, 10))).rejects.toThrow('mask is 10x10 but <buffer> is 48x32')
  })
})
