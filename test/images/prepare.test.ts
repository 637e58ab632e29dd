import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  InvalidImageError,
  OutputExistsError,
  compareImages,
  inspectImage,
  maskFromAlpha,
  maskFromRects,
  prepareImage,
  restoreSize,
} from '../../src/images/index.js'
import { fixturePath } from '../helpers/fixtures.js'
import { BEAR, DOG, POSE, PUG, imageFixture, makeHostileSet, type HostileSet } from './hostile-files.js'

let set: HostileSet
beforeAll(async () => {
  set = await makeHostileSet()
})
afterAll(() => set.cleanup())

async function pixels(png: Buffer) {
  return sharp(png).raw().toBuffer({ resolveWithObject: true })
}

describe('prepareImage on the fixture images', () => {
  const files = readdirSync(fixturePath('images')).filter((f) => !f.endsWith('.md'))

  it.each(files)('%s becomes an 8-bit sRGB PNG within 512 px, sides multiples of 8', async (file) => {
    const prepared = await prepareImage(imageFixture(file), { maxSide: 512 })
    const meta = await sharp(prepared.data).metadata()
    expect(meta).toMatchObject({ format: 'png', width: prepared.width, height: prepared.height, space: 'srgb', depth: 'uchar' })
    expect(prepared.width % 8).toBe(0)
    expect(prepared.height % 8).toBe(0)
    expect(Math.max(prepared.width, prepared.height)).toBeLessThanOrEqual(512)
    expect(meta.hasAlpha).toBe(prepared.hasAlpha)
    expect(prepared.transform.originalWidth).toBe(prepared.original.width)
  })

  it('gives the size and scale to map results back', async () => {
    const prepared = await prepareImage(BEAR, { maxSide: 768 })
    expect(prepared).toMatchObject({ width: 768, height: 768, hasAlpha: false })
    expect(prepared.transform).toMatchObject({ scaleX: 0.75, scaleY: 0.75, originalWidth: 1024 })
    const pug = await prepareImage(PUG, { maxSide: 1024, multipleOf: 64 })
    expect([pug.width, pug.height]).toEqual([192, 256])
  })

  it('drops an alpha channel that is fully opaque', async () => {
    const info = await inspectImage(POSE)
    expect(info.hasAlpha).toBe(true)
    const prepared = await prepareImage(POSE)
    expect(prepared.hasAlpha).toBe(false)
    expect((await sharp(prepared.data).metadata()).channels).toBe(3)
  })
})

describe('prepareImage on unusual inputs', () => {
  it('applies EXIF orientation', async () => {
    const prepared = await prepareImage(set.rotatedJpeg)
    expect([prepared.width, prepared.height]).toEqual([32, 48])
    expect((await sharp(prepared.data).metadata()).orientation).toBeUndefined()
  })

  it('converts CMYK and 16-bit input to 8-bit sRGB with the same picture', async () => {
    for (const input of [set.cmykJpeg, set.png16]) {
      const prepared = await prepareImage(input)
      const meta = await sharp(prepared.data).metadata()
      expect(meta).toMatchObject({ space: 'srgb', channels: 3, depth: 'uchar', width: 48, height: 32 })
      const reference = await sharp(set.bearBytes).resize(48, 32).png().toBuffer()
      // CMYK goes through a JPEG and a colour profile round trip, so only close:
      expect((await compareImages(prepared.data, reference, { diff: false })).psnr).toBeGreaterThan(20)
    }
  })

  it('keeps alpha that carries a mask, and the colour under transparent pixels', async () => {
    const prepared = await prepareImage(set.holePng)
    expect(prepared.hasAlpha).toBe(true)
    const { data } = await pixels(prepared.data)
    const original = await sharp(set.holePng).raw().toBuffer()
    // Same size, so the bytes must be identical, transparent ones included (no premultiplication):
    expect(Buffer.compare(data, original)).toBe(0)
    const mask = await maskFromAlpha(prepared.data)
    expect(mask.data[5 * 48 + 10]).toBe(255)
    expect(mask.data[20 * 48 + 30]).toBe(0)
  })

  it('keeps the colour under a transparent hole when it resizes', async () => {
    const rgb = await sharp(set.bearBytes).resize(480, 320, { fit: 'fill' }).raw().toBuffer()
    const rgba = Buffer.alloc(480 * 320 * 4)
    for (let i = 0; i < 480 * 320; i++) {
      rgb.copy(rgba, i * 4, i * 3, i * 3 + 3)
      const x = i % 480
      const y = Math.floor(i / 480)
      rgba[i * 4 + 3] = x >= 40 && x < 120 && y >= 20 && y < 60 ? 0 : 255
    }
    const input = await sharp(rgba, { raw: { width: 480, height: 320, channels: 4 } }).png().toBuffer()
    const prepared = await prepareImage(input, { maxSide: 240 })
    expect([prepared.width, prepared.height, prepared.hasAlpha]).toEqual([240, 160, true])
    const { data } = await pixels(prepared.data)
    const expected = await sharp(rgb, { raw: { width: 480, height: 320, channels: 3 } }).resize(240, 160).raw().toBuffer()
    let largest = 0
    for (let i = 0; i < 240 * 160; i++) {
      for (let c = 0; c < 3; c++) largest = Math.max(largest, Math.abs(data[i * 4 + c]! - expected[i * 3 + c]!))
    }
    expect(largest).toBeLessThanOrEqual(1)
    const inHole = (25 * 240 + 40) * 4
    expect(data[inHole + 3]).toBe(0)
    expect(data[inHole]! + data[inHole + 1]! + data[inHole + 2]!).toBeGreaterThan(0)
  })

  it('drops alpha when asked, keeping the colour under it as LoadImage would', async () => {
    const prepared = await prepareImage(set.holePng, { alpha: 'drop' })
    expect(prepared.hasAlpha).toBe(false)
    const colour = await sharp(set.holePng).removeAlpha().raw().toBuffer()
    expect(Buffer.compare((await pixels(prepared.data)).data, colour)).toBe(0)
  })

  it('embeds a mask as alpha (transparent = masked), resized with the image', async () => {
    const mask = maskFromRects(1024, 1024, [{ x: 256, y: 256, width: 512, height: 512 }])
    const prepared = await prepareImage(BEAR, { maxSide: 512, mask })
    expect(prepared.hasAlpha).toBe(true)
    const read = await maskFromAlpha(prepared.data)
    expect([read.width, read.height]).toEqual([512, 512])
    expect(read.data[256 * 512 + 256]).toBe(255)
    expect(read.data[10 * 512 + 10]).toBe(0)
    expect(read.data[256 * 512 + 100]).toBe(0)
    await expect(prepareImage(BEAR, { mask: maskFromRects(10, 10, []) })).rejects.toThrow('mask is 10x10 but')
  })

  it('pads to the multiple keeping the aspect ratio, and restoreSize undoes it', async () => {
    const prepared = await prepareImage(PUG, { maxSide: 1024, multipleOf: 64, fit: 'pad' })
    expect(prepared.transform).toMatchObject({ contentWidth: 200, contentHeight: 300, width: 256, height: 320 })
    const restored = await restoreSize(prepared.data, prepared.transform)
    expect([restored.width, restored.height]).toEqual([200, 300])
    const result = await compareImages(restored.data, PUG, { diff: false })
    expect(result.psnr).toBeGreaterThan(40)
  })

  it('restoreSize maps a resized (and an upscaled) result back to the original size', async () => {
    const prepared = await prepareImage(DOG, { maxSide: 384 })
    const restored = await restoreSize(prepared.data, prepared.transform, { format: 'jpeg' })
    expect((await sharp(restored.data).metadata()).format).toBe('jpeg')
    expect([restored.width, restored.height]).toEqual([512, 512])
    const upscaled = await sharp(prepared.data).resize(768, 768).png().toBuffer()
    const fromUpscaled = await restoreSize(upscaled, prepared.transform)
    expect([fromUpscaled.width, fromUpscaled.height]).toEqual([512, 512])
    expect((await compareImages(fromUpscaled.data, DOG, { diff: false })).ssim).toBeGreaterThan(0.8)
    const wrongShape = await sharp(prepared.data).resize(384, 200, { fit: 'fill' }).png().toBuffer()
    await expect(restoreSize(wrongShape, prepared.transform)).rejects.toThrow('not a scaled copy')
  })

  it('refuses hostile inputs with the reason and the source', async () => {
    const cases: [Uint8Array, string][] = [
      [set.truncatedJpeg, 'corrupt'],
      [set.hugePng, 'dimensions'],
      [set.animatedWebp, 'animated'],
      [Buffer.alloc(0), 'empty'],
      [set.svg, 'format'],
    ]
    for (const [bytes, reason] of cases) {
      const error = await prepareImage({ name: 'upload.png', data: bytes }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(InvalidImageError)
      expect(error).toMatchObject({ reason, source: 'upload.png' })
    }
  })

  it('uses the first frame of an animated image when allowed', async () => {
    const prepared = await prepareImage(set.animatedGif, { limits: { allowAnimated: true } })
    expect([prepared.width, prepared.height]).toEqual([48, 32])
  })
})

describe('writing results', () => {
  it('writes the file, refuses to overwrite it, and overwrites when asked, leaving no temp file', async () => {
    const out = join(set.dir, 'prepared.png')
    const first = await prepareImage(DOG, { maxSide: 256, out })
    expect(first.path).toBe(out)
    expect(Buffer.compare(readFileSync(out), first.data)).toBe(0)
    await expect(prepareImage(BEAR, { maxSide: 128, out })).rejects.toBeInstanceOf(OutputExistsError)
    expect(Buffer.compare(readFileSync(out), first.data)).toBe(0)
    const second = await prepareImage(BEAR, { maxSide: 128, out, overwrite: true })
    expect(Buffer.compare(readFileSync(out), second.data)).toBe(0)
    expect(readdirSync(set.dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('writes nothing when the input is refused', async () => {
    const out = join(set.dir, 'never.png')
    await expect(prepareImage(set.truncatedJpeg, { out })).rejects.toThrow('corrupt')
    expect(existsSync(out)).toBe(false)
  })

  it('refuses to replace an existing file even of another kind, and reports a missing folder', async () => {
    const out = join(set.dir, 'existing.png')
    writeFileSync(out, 'keep me')
    await expect(prepareImage(DOG, { out })).rejects.toThrow('already exists')
    expect(readFileSync(out, 'utf8')).toBe('keep me')
    await expect(prepareImage(DOG, { out: join(set.dir, 'no', 'such', 'dir.png') })).rejects.toThrow('ENOENT')
    expect(readdirSync(set.dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
})
