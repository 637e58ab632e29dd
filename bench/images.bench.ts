/**
 * Image figures on the fixture photos: prepare (1024x1024 JPEG to a PNG within 768 px), compare (PSNR +
 * SSIM + diff image of two 1024x1024 images), and the smaller operations around them.
 * Pillow reference for prepare, measured on this machine by the original design: 181 ms (493 ms with optimize=True).
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { ssim } from '../src/images/compare/ssim.js'
import {
  compareImages,
  featherMask,
  growMask,
  inspectImage,
  maskFromPolygons,
  maskFromRects,
  prepareImage,
  readWorkflowMetadata,
  validateImage,
  writeWorkflowMetadata,
} from '../src/images/index.js'
import { median, ms, printTable, timeRuns, type Row } from './lib/stats.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const images = join(root, 'test/fixtures/images')
const RUNS = Number(process.env['BENCH_RUNS'] ?? 20)

const bear = readFileSync(join(images, 'comfy-ts__bear_1024x1024.jpg'))
const lora = readFileSync(join(images, 'comfyui-examples__lora_multiple_with_embedded_workflow.png'))
// A stand-in for a ComfyUI result: the same picture, softened and slightly brightened in one corner, saved as PNG:
const edited = await sharp(bear)
  .blur(1.5)
  .composite([{ input: { create: { width: 384, height: 384, channels: 3, background: { r: 250, g: 240, b: 200 } } }, blend: 'soft-light', left: 512, top: 512 }])
  .png()
  .toBuffer()
const mask = maskFromRects(1024, 1024, [{ x: 512, y: 512, width: 384, height: 384 }])
const rawA = await sharp(bear).raw().toBuffer()
const rawB = await sharp(edited).raw().toBuffer()
const star = Array.from({ length: 10 }, (_, i) => {
  const angle = (i * Math.PI) / 5
  const radius = i % 2 === 0 ? 480 : 200
  return [512 + radius * Math.cos(angle), 512 + radius * Math.sin(angle)] as const
})
const workflow = (await readWorkflowMetadata(lora)).workflow

async function measure(measure: string, fn: () => unknown, target?: string, note?: string): Promise<Row> {
  const value = median(await timeRuns(fn, RUNS, 2))
  return { measure, value: ms(value), ...(target === undefined ? {} : { target }), ...(note === undefined ? {} : { note }) }
}

const rows: Row[] = [
  await measure('prepare 1024 JPEG -> PNG within 768', () => prepareImage(bear, { maxSide: 768 }), '<= 60 ms', 'Pillow: 181 ms, 493 ms with optimize=True'),
  await measure('prepare, same, with a mask as alpha', () => prepareImage(bear, { maxSide: 768, mask })),
  await measure('compare 1024x1024 (PSNR + SSIM + diff PNG)', () => compareImages(bear, edited), '<= 150 ms', 'JPEG vs PNG, both decoded'),
  await measure('compare, same, inside/outside a mask', () => compareImages(bear, edited, { mask })),
  await measure('compare, no diff image', () => compareImages(bear, edited, { diff: false })),
  await measure('SSIM alone on raw 1024x1024', () => ssim(rawA, rawB, 1024, 1024, 3), undefined, 'Gaussian 11x11, sigma 1.5, luma'),
  await measure('inspect (header only)', () => inspectImage(bear)),
  await measure('validate (header + full decode)', () => validateImage(bear)),
  await measure('mask from a 10-point polygon, 1024x1024', () => maskFromPolygons(1024, 1024, [star])),
  await measure('grow mask by 16 px, 1024x1024', () => growMask(mask, 16)),
  await measure('feather mask by 16 px, 1024x1024', () => featherMask(mask, 16)),
  await measure('read prompt + workflow (181 KB PNG)', () => readWorkflowMetadata(lora)),
  await measure('write workflow into a PNG', () => writeWorkflowMetadata(lora, { workflow })),
]
printTable(`images (sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}; median of ${RUNS} runs)`, rows)
