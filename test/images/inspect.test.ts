import { createReadStream, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InvalidImageError, inspectImage, validateImage, type ImageRejection } from '../../src/images/index.js'
import { fixturePath } from '../helpers/fixtures.js'
import { BEAR, imageFixture, makeHostileSet, writeTemp, type HostileSet } from './hostile-files.js'

let set: HostileSet
beforeAll(async () => {
  set = await makeHostileSet()
})
afterAll(() => set.cleanup())

async function rejection(promise: Promise<unknown>): Promise<InvalidImageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(InvalidImageError)
  return error as InvalidImageError
}

describe('inspectImage on the fixture images', () => {
  const files = readdirSync(fixturePath('images')).filter((f) => !f.endsWith('.md'))
  // Sizes and formats as the file names and PROVENANCE.md state them:
  const expected: Record<string, [string, number, number]> = {
    'comfy-ts__bear_1024x1024.jpg': ['jpeg', 1024, 1024],
    'comfy-ts__dog_512x512.jpg': ['jpeg', 512, 512],
    'comfy-ts__lioness_768x768.jpg': ['jpeg', 768, 768],
    'comfy-ts__pug_200x300.jpg': ['jpeg', 200, 300],
    'comfyui-frontend__image32x32.webp': ['webp', 32, 32],
    'comfyui-frontend__image64x64.webp': ['webp', 64, 64],
  }

  it.each(files)('%s is described and passes validation', async (file) => {
    const info = await validateImage(imageFixture(file))
    expect(info.source).toBe(imageFixture(file))
    expect(info.extensionMatches).toBe(true)
    expect(info.animated).toBe(false)
    expect(info.width * info.height).toBeGreaterThan(0)
    const known = expected[file]
    if (known) expect([info.format, info.width, info.height]).toEqual(known)
  })

  it('reports alpha, colour space and bit depth', async () => {
    const pose = await inspectImage(imageFixture('comfyui-examples__controlnet_pose_present.png'))
    expect(pose).toMatchObject({ format: 'png', hasAlpha: true, channels: 4, bitDepth: 8, space: 'srgb' })
    expect((await inspectImage(set.png16)).bitDepth).toBe(16)
    expect((await inspectImage(set.cmykJpeg)).space).toBe('cmyk')
  })
})

describe('image inputs', () => {
  it('reads a path, a file URL, a Buffer, a Uint8Array, a Node stream, a web stream and a named input', async () => {
    const bytes = readFileSync(BEAR)
    const inputs = [
      BEAR,
      pathToFileURL(BEAR),
      bytes,
      new Uint8Array(bytes),
      createReadStream(BEAR),
      Readable.toWeb(createReadStream(BEAR)) as unknown as AsyncIterable<Uint8Array>,
      { name: 'bear upload', data: bytes },
    ]
    const sources = []
    for (const input of inputs) {
      const info = await inspectImage(input)
      expect([info.width, info.height, info.byteLength]).toEqual([1024, 1024, bytes.length])
      sources.push(info.source)
    }
    expect(sources).toEqual([BEAR, BEAR, '<buffer>', '<buffer>', '<stream>', '<stream>', 'bear upload'])
  })

  it('stops reading a stream as soon as it passes maxBytes', async () => {
    let pulled = 0
    async function* endless() {
      for (;;) {
        pulled++
        yield Buffer.alloc(1024)
      }
    }
    const error = await rejection(inspectImage({ name: 'endless', data: endless() }, { limits: { maxBytes: 10_000 } }))
    expect(error.reason).toBe('too-large')
    expect(error.source).toBe('endless')
    expect(pulled).toBeLessThanOrEqual(11)
  })

  it('refuses missing files, folders, text streams and non-inputs as unreadable', async () => {
    const folder = join(set.dir, 'a-folder.png')
    mkdirSync(folder)
    const cases: [unknown, string][] = [
      [join(set.dir, 'missing.png'), 'ENOENT'],
      [folder, 'not a regular file'],
      [createReadStream(BEAR, { encoding: 'utf8' }), 'yielded text'],
      [42, 'expected a file path'],
      [new URL('https://example.com/a.png'), 'only file: URLs'],
    ]
    for (const [input, message] of cases) {
      const error = await rejection(inspectImage(input as never))
      expect(error.reason).toBe('unreadable')
      expect(error.message).toContain(message)
    }
  })
})

describe('hostile files', () => {
  const table: [string, (s: HostileSet) => Uint8Array, ImageRejection, string][] = [
    ['zero bytes', () => Buffer.alloc(0), 'empty', 'zero bytes'],
    ['text', (s) => s.text, 'format', 'not an image format'],
    ['PNG signature then garbage', (s) => s.garbagePng, 'corrupt', ''],
    ['truncated JPEG', (s) => s.truncatedJpeg, 'corrupt', 'premature end'],
    ['truncated PNG', (s) => s.truncatedPng, 'corrupt', ''],
    ['100000 x 100000 PNG (decompression bomb)', (s) => s.hugePng, 'dimensions', '100000x100000'],
    ['animated WebP', (s) => s.animatedWebp, 'animated', '2 frames'],
    ['animated GIF', (s) => s.animatedGif, 'animated', '2 frames'],
    ['SVG', (s) => s.svg, 'format', 'svg is not an accepted format'],
  ]

  it.each(table)('%s is rejected from a file, saying why and where', async (name, bytes, reason, detail) => {
    const path = writeTemp(set, `${name.replace(/\W+/g, '_')}.png`, bytes(set))
    const error = await rejection(validateImage(path))
    expect(error.reason).toBe(reason)
    expect(error.source).toBe(path)
    expect(error.file).toBe(path)
    expect(error.message).toContain(path)
    expect(error.message).toContain(`(${reason})`)
    expect(error.message.toLowerCase()).toContain(detail.toLowerCase())
  })

  it('refuses too many pixels before decoding, from the declared size', async () => {
    const error = await rejection(validateImage(set.hugePng, { limits: { maxDimension: 200_000 } }))
    expect(error.reason).toBe('pixels')
    expect(error.message).toContain('10000000000 pixels')
    const small = await rejection(validateImage(BEAR, { limits: { maxPixels: 1000 } }))
    expect(small.reason).toBe('pixels')
  })

  it('refuses inputs over maxBytes, and formats outside the allow-list', async () => {
    expect((await rejection(validateImage(BEAR, { limits: { maxBytes: 1000 } }))).reason).toBe('too-large')
    const tiff = await rejection(validateImage(set.tiff, { limits: { formats: ['png', 'jpeg', 'webp'] } }))
    expect(tiff.reason).toBe('format')
    expect(tiff.message).toContain('tiff is not an accepted format (accepted: png, jpeg, webp)')
    expect((await validateImage(set.tiff)).format).toBe('tiff')
  })

  it('accepts an animated image when asked, and detects damage only when decoding', async () => {
    expect((await validateImage(set.animatedWebp, { limits: { allowAnimated: true } })).pages).toBe(2)
    expect((await validateImage(set.truncatedJpeg, { decode: false })).width).toBe(1024)
  })

  it('judges content, not the extension: a PNG named .jpg is a PNG', async () => {
    const path = writeTemp(set, 'really-a-png.jpg', readFileSync(imageFixture('comfyui-examples__controlnet_pose_present.png')))
    const info = await validateImage(path)
    expect(info).toMatchObject({ format: 'png', extension: '.jpg', extensionMatches: false })
    const textPng = await rejection(validateImage(writeTemp(set, 'notes.png', set.text)))
    expect(textPng.reason).toBe('format')
  })

  it('reports the upright size of an EXIF-rotated JPEG', async () => {
    const info = await inspectImage(set.rotatedJpeg)
    expect(info).toMatchObject({ orientation: 6, storedWidth: 48, storedHeight: 32, width: 32, height: 48 })
  })

  it('accepts CMYK and 16-bit images', async () => {
    expect((await validateImage(set.cmykJpeg)).channels).toBe(4)
    expect((await validateImage(set.png16)).space).toBe('rgb16')
  })

  it('refuses nonsensical limits', async () => {
    await expect(validateImage(BEAR, { limits: { maxPixels: -1 } })).rejects.toThrow('maxPixels must be a positive integer')
    await expect(validateImage(BEAR, { limits: { formats: ['svg' as never] } })).rejects.toThrow('cannot be allowed')
  })
})
