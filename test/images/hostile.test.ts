/** Every function that decodes pixels, against every hostile file, and against the unusual files it must accept. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  InvalidImageError,
  applyMask,
  compareImages,
  createMask,
  inspectImage,
  maskFromAlpha,
  maskFromImage,
  maskFromRects,
  planResize,
  prepareImage,
  readImageText,
  restoreSize,
  validateImage,
  type ImageInput,
  type ImageRejection,
} from '../../src/images/index.js'
import { makeHostileSet, writeTemp, type HostileSet } from './hostile-files.js'

let set: HostileSet
beforeAll(async () => {
  set = await makeHostileSet()
})
afterAll(() => set.cleanup())

const functions: [string, (input: ImageInput) => Promise<unknown>][] = [
  ['validateImage', (input) => validateImage(input)],
  ['prepareImage', (input) => prepareImage(input)],
  ['restoreSize', (input) => restoreSize(input, planResize(1024, 1024))],
  ['maskFromAlpha', (input) => maskFromAlpha(input)],
  ['maskFromImage', (input) => maskFromImage(input, { channel: 'red' })],
  ['applyMask', (input) => applyMask(input, createMask(1024, 1024))],
  ['compareImages (first)', (input) => compareImages(input, set.bearBytes)],
  ['compareImages (second)', (input) => compareImages(set.bearBytes, input)],
]

const hostile: [string, (s: HostileSet) => Uint8Array, ImageRejection][] = [
  ['zero bytes', () => Buffer.alloc(0), 'empty'],
  ['text named .png', (s) => s.text, 'format'],
  ['PNG signature then garbage', (s) => s.garbagePng, 'corrupt'],
  ['truncated JPEG', (s) => s.truncatedJpeg, 'corrupt'],
  ['truncated PNG', (s) => s.truncatedPng, 'corrupt'],
  ['declared 100000x100000', (s) => s.hugePng, 'dimensions'],
  ['animated WebP', (s) => s.animatedWebp, 'animated'],
  ['animated GIF', (s) => s.animatedGif, 'animated'],
  ['SVG', (s) => s.svg, 'format'],
]

describe.each(functions)('%s', (_name, run) => {
  it.each(hostile)('refuses %s, naming the file and the reason', async (label, bytes, reason) => {
    const path = writeTemp(set, `${label.replace(/\W+/g, '-')}.png`, bytes(set))
    const error = await run(path).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidImageError)
    expect(error).toMatchObject({ reason, source: path })
  })
})

describe('unusual but valid files are accepted everywhere', () => {
  const accepted: [string, (s: HostileSet) => Uint8Array][] = [
    ['CMYK JPEG', (s) => s.cmykJpeg],
    ['16-bit PNG', (s) => s.png16],
    ['EXIF-rotated JPEG', (s) => s.rotatedJpeg],
    ['TIFF', (s) => s.tiff],
    ['PNG with a transparent hole', (s) => s.holePng],
  ]

  it.each(accepted)('%s', async (_label, bytes) => {
    const input = bytes(set)
    const info = await validateImage(input)
    const mask = maskFromRects(info.width, info.height, [{ x: 0, y: 0, width: 4, height: 4 }])
    const prepared = await prepareImage(input, { mask })
    expect(prepared.hasAlpha).toBe(true)
    expect((await restoreSize(prepared.data, prepared.transform)).width).toBe(info.width)
    expect((await maskFromAlpha(input)).width).toBe(info.width)
    expect((await maskFromImage(input)).height).toBe(info.height)
    expect((await applyMask(input, mask)).width).toBe(info.width)
    expect((await compareImages(input, input)).psnr).toBe(Infinity)
    expect((await readImageText(input)).entries).toEqual({})
    expect((await inspectImage(input)).extensionMatches).toBeUndefined()
  })
})
