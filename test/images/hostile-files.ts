/**
 * Hostile and unusual images, made in memory by the tests (nothing committed): truncated, zero bytes,
 * declared huge dimensions, wrong extension, CMYK, 16-bit, animated, EXIF-rotated, not an image at all.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32, deflateSync } from 'node:zlib'
import sharp from 'sharp'
import { fixturePath } from '../helpers/fixtures.js'

export const imageFixture = (name: string) => fixturePath('images', name)
export const BEAR = imageFixture('comfy-ts__bear_1024x1024.jpg')
export const DOG = imageFixture('comfy-ts__dog_512x512.jpg')
export const PUG = imageFixture('comfy-ts__pug_200x300.jpg')
export const POSE = imageFixture('comfyui-examples__controlnet_pose_present.png')
export const LORA_PNG = imageFixture('comfyui-examples__lora_multiple_with_embedded_workflow.png')

export function pngChunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'latin1')
  out.set(data, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

/** A valid-looking PNG header declaring width x height, with a few bytes of image data. */
export function declaredSizePng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(64))),
    pngChunk('IEND', Buffer.alloc(0)),
  ])
}

export interface HostileSet {
  readonly dir: string
  readonly bearBytes: Buffer
  /** The 1024x1024 bear, cut in half. */
  readonly truncatedJpeg: Buffer
  /** The 1024x1024 bear as PNG, cut at 60%. */
  readonly truncatedPng: Buffer
  readonly hugePng: Buffer
  readonly cmykJpeg: Buffer
  readonly png16: Buffer
  readonly animatedWebp: Buffer
  readonly animatedGif: Buffer
  readonly rotatedJpeg: Buffer
  readonly svg: Buffer
  readonly tiff: Buffer
  readonly text: Buffer
  readonly garbagePng: Buffer
  /** A small PNG with a transparent rectangle (x 8..24, y 4..12) over colourful pixels. */
  readonly holePng: Buffer
  cleanup(): void
}

export async function makeHostileSet(): Promise<HostileSet> {
  const dir = mkdtempSync(join(tmpdir(), 'comfy-images-'))
  const bearBytes = readFileSync(BEAR)
  const small = await sharp(bearBytes).resize(48, 32).png().toBuffer()
  const bearPng = await sharp(bearBytes).png({ compressionLevel: 1 }).toBuffer()
  const frame2 = await sharp(small).negate().png().toBuffer()
  const rgba = await sharp(small).ensureAlpha().raw().toBuffer()
  for (let y = 4; y < 12; y++) for (let x = 8; x < 24; x++) rgba[(y * 48 + x) * 4 + 3] = 0
  return {
    dir,
    bearBytes,
    truncatedJpeg: bearBytes.subarray(0, Math.floor(bearBytes.length / 2)),
    truncatedPng: bearPng.subarray(0, Math.floor(bearPng.length * 0.6)),
    hugePng: declaredSizePng(100_000, 100_000),
    cmykJpeg: await sharp(small).toColourspace('cmyk').jpeg().toBuffer(),
    png16: await sharp(small).toColourspace('rgb16').png().toBuffer(),
    animatedWebp: await sharp([small, frame2], { join: { animated: true } }).webp().toBuffer(),
    animatedGif: await sharp([small, frame2], { join: { animated: true } }).gif().toBuffer(),
    // Stored 48 wide, 32 high; orientation 6 means "rotate 90° clockwise to display", so it shows 32x48:
    rotatedJpeg: await sharp(small).withMetadata({ orientation: 6 }).jpeg().toBuffer(),
    svg: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'),
    tiff: await sharp(small).tiff().toBuffer(),
    text: Buffer.from('this is not an image, just text pretending to be one\n'),
    garbagePng: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]),
    holePng: await sharp(rgba, { raw: { width: 48, height: 32, channels: 4 } }).png().toBuffer(),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** Writes bytes under the set's folder and returns the path. */
export function writeTemp(set: HostileSet, name: string, bytes: Uint8Array): string {
  const path = join(set.dir, name)
  writeFileSync(path, bytes)
  return path
}
