import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ssim } from '../../src/images/compare/ssim.js'
import { InvalidImageError, OutputExistsError, compareImages, maskFromRects } from '../../src/images/index.js'
import { DOG, imageFixture, makeHostileSet, type HostileSet } from './hostile-files.js'

let set: HostileSet
beforeAll(async () => {
  set = await makeHostileSet()
})
afterAll(() => set.cleanup())

const raw = (input: Buffer | string) => sharp(input).removeAlpha().raw().toBuffer()
const greyPixels = (png: Buffer) => sharp(png).extractChannel(0).raw().toBuffer()

/** SSIM straight from the definition: a full 11x11 Gaussian window at every valid centre. */
function referenceSsim(a: Uint8Array, b: Uint8Array, width: number, height: number): number {
  const g = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / (2 * 1.5 * 1.5)))
  const total = g.reduce((s, v) => s + v, 0)
  const w = g.map((v) => v / total)
  const luma = (p: Uint8Array, i: number) => 0.299 * p[i * 3]! + 0.587 * p[i * 3 + 1]! + 0.114 * p[i * 3 + 2]!
  const c1 = (0.01 * 255) ** 2
  const c2 = (0.03 * 255) ** 2
  let sum = 0
  let n = 0
  for (let cy = 5; cy < height - 5; cy++) {
    for (let cx = 5; cx < width - 5; cx++) {
      let mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0 // prettier-ignore
      for (let dy = -5; dy <= 5; dy++) {
        for (let dx = -5; dx <= 5; dx++) {
          const weight = w[dy + 5]! * w[dx + 5]!
          const i = (cy + dy) * width + cx + dx
          const x = luma(a, i)
          const y = luma(b, i)
          mx += weight * x
          my += weight * y
          sxx += weight * x * x
          syy += weight * y * y
          sxy += weight * x * y
        }
      }
      const vx = sxx - mx * mx
      const vy = syy - my * my
      const cov = sxy - mx * my
      sum += ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
      n++
    }
  }
  return sum / n
}

describe('ssim', () => {
  it('matches the definition (full 2D Gaussian window) on real pictures', async () => {
    const a = await sharp(DOG).resize(64, 40, { fit: 'fill' }).raw().toBuffer()
    for (const b of [
      await sharp(DOG).resize(64, 40, { fit: 'fill' }).blur(1.2).raw().toBuffer(),
      await sharp(DOG).resize(64, 40, { fit: 'fill' }).jpeg({ quality: 20 }).toBuffer().then((j) => raw(j)),
      await sharp(DOG).resize(64, 40, { fit: 'fill' }).negate().raw().toBuffer(),
    ]) {
      expect(ssim(a, b, 64, 40, 3).mean).toBeCloseTo(referenceSsim(a, b, 64, 40), 10)
    }
  })

  it('is 1 for identical images and falls with damage', async () => {
    const a = await raw(DOG)
    const slight = await sharp(DOG).blur(0.6).raw().toBuffer()
    const heavy = await sharp(DOG).blur(4).raw().toBuffer()
    expect(ssim(a, a, 512, 512, 3).mean).toBe(1)
    const s1 = ssim(a, slight, 512, 512, 3).mean
    const s2 = ssim(a, heavy, 512, 512, 3).mean
    expect(s1).toBeLessThan(1)
    expect(s2).toBeLessThan(s1)
  })

  it('compares images smaller than the window as one window', () => {
    const a = Uint8Array.from({ length: 8 * 8 * 3 }, (_, i) => (i * 7) % 256)
    const b = Uint8Array.from(a, (v) => 255 - v)
    expect(ssim(a, a, 8, 8, 3).mean).toBeCloseTo(1, 12)
    expect(ssim(a, b, 8, 8, 3).mean).toBeLessThan(0)
  })
})

describe('compareImages', () => {
  it('finds nothing between an image and itself', async () => {
    const result = await compareImages(DOG, readFileSync(DOG))
    expect(result).toMatchObject({ width: 512, height: 512, psnr: Infinity, ssim: 1, mae: 0, changedPixels: 0, changedRatio: 0 })
    expect((await sharp(result.diff!).metadata()).channels).toBe(1)
    expect((await greyPixels(result.diff!)).every((v) => v === 0)).toBe(true)
    expect(result.inside).toBeUndefined()
  })

  it('gives PSNR, MAE, changed ratio and a diff image that agree with the pixels', async () => {
    const blurred = await sharp(DOG).blur(2).png().toBuffer()
    const result = await compareImages(DOG, blurred, { threshold: 20, diff: { gain: 4 } })
    const a = await raw(DOG)
    const b = await raw(blurred)
    let absolute = 0
    let squared = 0
    let changed = 0
    const expectedDiff = new Uint8Array(512 * 512)
    for (let i = 0; i < 512 * 512; i++) {
      let largest = 0
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(a[i * 3 + c]! - b[i * 3 + c]!)
        absolute += d
        squared += d * d
        largest = Math.max(largest, d)
      }
      if (largest > 20) changed++
      expectedDiff[i] = Math.min(255, largest * 4)
    }
    const mse = squared / (512 * 512 * 3)
    expect(result.psnr).toBeCloseTo(10 * Math.log10((255 * 255) / mse), 10)
    expect(result.mae).toBeCloseTo(absolute / (512 * 512 * 3), 10)
    expect(result.changedPixels).toBe(changed)
    expect(result.changedRatio).toBeCloseTo(changed / (512 * 512), 12)
    expect(result.ssim).toBeGreaterThan(0.5)
    expect(result.ssim).toBeLessThan(0.98)
    expect(Buffer.compare(await greyPixels(result.diff!), Buffer.from(expectedDiff))).toBe(0)
  })

  it('splits every figure inside and outside a mask', async () => {
    const rect = { x: 128, y: 128, width: 128, height: 128 }
    const painted = await sharp(DOG)
      .composite([{ input: { create: { width: 128, height: 128, channels: 3, background: { r: 255, g: 0, b: 0 } } }, left: 128, top: 128 }])
      .png()
      .toBuffer()
    const mask = maskFromRects(512, 512, [rect])
    const result = await compareImages(DOG, painted, { mask, diff: false })
    expect(result.diff).toBeUndefined()
    const inside = result.inside!
    const outside = result.outside!
    expect(inside.pixels).toBe(128 * 128)
    expect(inside.pixels + outside.pixels).toBe(result.pixels)
    expect(inside.changedRatio).toBeGreaterThan(0.9)
    expect(outside).toMatchObject({ changedPixels: 0, mae: 0, psnr: Infinity })
    expect(inside.psnr).toBeLessThan(15)
    // Windows centred just outside overlap the painted square, so SSIM outside dips below 1, but far less:
    expect(outside.ssim!).toBeLessThan(1)
    expect(outside.ssim!).toBeGreaterThan(0.9)
    expect(inside.ssim!).toBeLessThan(0.5)
    expect(result.changedPixels).toBe(inside.changedPixels)
  })

  it('compares tiny images (the 8x8 fixtures) too', async () => {
    const png = imageFixture('comfyui-frontend__workflowInMedia_workflow_itxt.png')
    const result = await compareImages(png, await sharp(png).negate().png().toBuffer())
    expect([result.width, result.height]).toEqual([8, 8])
    expect(Number.isFinite(result.ssim)).toBe(true)
  })

  it('writes the diff image atomically and refuses to overwrite it', async () => {
    const out = join(set.dir, 'diff.png')
    const blurred = await sharp(DOG).blur(1).png().toBuffer()
    const result = await compareImages(DOG, blurred, { diff: { out } })
    expect(result.diffPath).toBe(out)
    expect(readFileSync(out).equals(result.diff!)).toBe(true)
    await expect(compareImages(DOG, blurred, { diff: { out } })).rejects.toBeInstanceOf(OutputExistsError)
  })

  it('refuses mismatched sizes, masks and options, and hostile inputs', async () => {
    await expect(compareImages(DOG, imageFixture('comfy-ts__pug_200x300.jpg'))).rejects.toThrow(
      /cannot compare .*dog_512x512.jpg \(512x512\) with .*pug_200x300.jpg \(200x300\): sizes differ/,
    )
    await expect(compareImages(DOG, DOG, { mask: maskFromRects(10, 10, []) })).rejects.toThrow('mask is 10x10')
    await expect(compareImages(DOG, DOG, { threshold: -1 })).rejects.toThrow('threshold')
    const error = await compareImages(DOG, { name: 'result.png', data: set.hugePng }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidImageError)
    expect(error).toMatchObject({ source: 'result.png', reason: 'dimensions' })
    const out = join(set.dir, 'never-diff.png')
    const corrupt = await sharp(set.bearBytes).resize(512, 512).jpeg().toBuffer()
    await expect(
      compareImages(DOG, { name: 'half.jpg', data: corrupt.subarray(0, corrupt.length / 2) }, { diff: { out } }),
    ).rejects.toMatchObject({ source: 'half.jpg', reason: 'corrupt' })
    expect(existsSync(out)).toBe(false)
  })
})
