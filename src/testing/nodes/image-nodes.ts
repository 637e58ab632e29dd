/**
 * Image nodes the test server really executes, with sharp: loading, inverting, scaling, blurring, edge
 * detection and masked compositing.
 * @module
 */
import sharp, { type KernelEnum } from 'sharp'
import { emptyMask, fitMask, invertBuffer, rawImage, toPixels, type Pixels } from '../pixels.js'
import { inputBoolean, inputImage, inputNumber, inputString, optionalMask } from './inputs.js'
import { NodeException, type NodeImplementation } from './types.js'

const KERNELS: Readonly<Record<string, keyof KernelEnum>> = {
  'nearest-exact': 'nearest',
  bilinear: 'linear',
  area: 'linear',
  bicubic: 'cubic',
  lanczos: 'lanczos3',
}

export const LoadImage: NodeImplementation = async (inputs, context) => {
  const name = inputString(inputs, 'image')
  const path = context.files.annotatedPath(name)
  if (path === undefined) throw new NodeException('FileNotFoundError', `[Errno 2] No such file or directory: '${name}'`)
  const source = sharp(path).rotate()
  const { data, info } = await source.clone().ensureAlpha().raw().toBuffer({ resolveWithObject: true })
  const image = await toPixels(sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } }))
  const metadata = await sharp(path).metadata()
  // ComfyUI's mask is 1 - alpha; an image without alpha gives an empty mask.
  const mask = metadata.hasAlpha
    ? { kind: 'mask' as const, width: info.width, height: info.height, data: invertBuffer(extractAlpha(data)) }
    : emptyMask(info.width, info.height)
  return { outputs: [image, mask] }
}

export const ImageInvert: NodeImplementation = async (inputs) => {
  const image = inputImage(inputs, 'image')
  return { outputs: [{ ...image, data: invertBuffer(image.data) }] }
}

export const ImageScale: NodeImplementation = async (inputs) => {
  const image = inputImage(inputs, 'image')
  let width = Math.trunc(inputNumber(inputs, 'width'))
  let height = Math.trunc(inputNumber(inputs, 'height'))
  if (width === 0 && height === 0) return { outputs: [image] }
  if (width === 0) width = Math.max(1, Math.round((image.width * height) / image.height))
  if (height === 0) height = Math.max(1, Math.round((image.height * width) / image.width))
  const crop = inputString(inputs, 'crop', 'disabled') === 'center'
  const kernel = KERNELS[inputString(inputs, 'upscale_method', 'bilinear')] ?? 'linear'
  return { outputs: [await toPixels(rawImage(image).resize(width, height, { fit: crop ? 'cover' : 'fill', kernel }))] }
}

export const ImageScaleBy: NodeImplementation = async (inputs) => {
  const image = inputImage(inputs, 'image')
  const scale = inputNumber(inputs, 'scale_by', 1)
  const width = Math.max(1, Math.round(image.width * scale))
  const height = Math.max(1, Math.round(image.height * scale))
  const kernel = KERNELS[inputString(inputs, 'upscale_method', 'bilinear')] ?? 'linear'
  return { outputs: [await toPixels(rawImage(image).resize(width, height, { fit: 'fill', kernel }))] }
}

export const ImageBlur: NodeImplementation = async (inputs) => {
  const image = inputImage(inputs, 'image')
  const radius = inputNumber(inputs, 'blur_radius', 1)
  const sigma = Math.max(0.3, inputNumber(inputs, 'sigma', 1) * Math.min(radius, 10) * 0.5)
  return { outputs: [await toPixels(rawImage(image).blur(sigma))] }
}

/** Edges: greyscale, Laplacian, thresholded at `high_threshold` (a cheap stand-in for kornia's Canny). */
export const Canny: NodeImplementation = async (inputs) => {
  const image = inputImage(inputs, 'image')
  const high = inputNumber(inputs, 'high_threshold', 0.8)
  const low = inputNumber(inputs, 'low_threshold', 0.4)
  const level = Math.max(1, Math.min(254, Math.round(((high + low) / 2) * 128)))
  const edges = rawImage(image)
    .greyscale()
    .convolve({ width: 3, height: 3, kernel: [-1, -1, -1, -1, 8, -1, -1, -1, -1] })
    .threshold(level)
  return { outputs: [await toPixels(edges)] }
}

export const ImageCompositeMasked: NodeImplementation = async (inputs) => {
  const destination = inputImage(inputs, 'destination')
  let source = inputImage(inputs, 'source')
  const x = Math.trunc(inputNumber(inputs, 'x', 0))
  const y = Math.trunc(inputNumber(inputs, 'y', 0))
  if (inputBoolean(inputs, 'resize_source')) {
    source = await toPixels(rawImage(source).resize(destination.width, destination.height, { fit: 'fill' }))
  }
  const mask = optionalMask(inputs, 'mask')
  const alpha = mask === undefined ? emptyMask(source.width, source.height, 255) : await fitMask(mask, source.width, source.height)
  return { outputs: [paste(destination, source, alpha, x, y)] }
}

function paste(destination: Pixels, source: Pixels, alpha: { data: Buffer }, x: number, y: number): Pixels {
  const out = Buffer.from(destination.data)
  for (let sy = 0; sy < source.height; sy++) {
    const dy = sy + y
    if (dy < 0 || dy >= destination.height) continue
    for (let sx = 0; sx < source.width; sx++) {
      const dx = sx + x
      if (dx < 0 || dx >= destination.width) continue
      const a = (alpha.data[sy * source.width + sx] as number) / 255
      const s = (sy * source.width + sx) * 3
      const d = (dy * destination.width + dx) * 3
      for (let c = 0; c < 3; c++) out[d + c] = Math.round((out[d + c] as number) * (1 - a) + (source.data[s + c] as number) * a)
    }
  }
  return { ...destination, data: out }
}

function extractAlpha(rgba: Buffer): Buffer {
  const alpha = Buffer.allocUnsafe(rgba.length / 4)
  for (let i = 0; i < alpha.length; i++) alpha[i] = rgba[i * 4 + 3] as number
  return alpha
}
