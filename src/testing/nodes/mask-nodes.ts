/**
 * Mask nodes the test server really executes: loading a channel, image to mask, invert, grow and feather.
 * @module
 */
import sharp from 'sharp'
import { invertBuffer, rawImage, rawMask, toMask, type Mask } from '../pixels.js'
import { inputBoolean, inputImage, inputMask, inputNumber, inputString } from './inputs.js'
import { NodeException, type NodeImplementation } from './types.js'

const CHANNELS = { red: 0, green: 1, blue: 2, alpha: 3 } as const

export const LoadImageMask: NodeImplementation = async (inputs, context) => {
  const name = inputString(inputs, 'image')
  const path = context.files.annotatedPath(name)
  if (path === undefined) throw new NodeException('FileNotFoundError', `[Errno 2] No such file or directory: '${name}'`)
  const channel = channelOf(inputString(inputs, 'channel', 'alpha'))
  const image = sharp(path).rotate().ensureAlpha()
  const mask = await toMask(image.extractChannel(channel))
  // ComfyUI inverts the alpha channel: transparent means "masked".
  return { outputs: [channel === 3 ? { ...mask, data: invertBuffer(mask.data) } : mask] }
}

export const ImageToMask: NodeImplementation = async (inputs) => {
  const image = inputImage(inputs, 'image')
  const channel = channelOf(inputString(inputs, 'channel', 'red'))
  if (channel === 3) return { outputs: [{ kind: 'mask', width: image.width, height: image.height, data: Buffer.alloc(image.width * image.height) }] }
  return { outputs: [await toMask(rawImage(image).extractChannel(channel))] }
}

export const InvertMask: NodeImplementation = async (inputs) => {
  const mask = inputMask(inputs, 'mask')
  return { outputs: [{ ...mask, data: invertBuffer(mask.data) }] }
}

export const GrowMask: NodeImplementation = async (inputs) => {
  const mask = inputMask(inputs, 'mask')
  const expand = Math.trunc(inputNumber(inputs, 'expand', 0))
  if (expand === 0) return { outputs: [mask] }
  const width = Math.min(Math.abs(expand) * 2 + 1, 255)
  const shape = inputBoolean(inputs, 'tapered_corners', true) ? rawMask(mask).blur(0.5).threshold(128) : rawMask(mask)
  const grown = expand > 0 ? shape.dilate(width) : shape.erode(width)
  return { outputs: [await toMask(grown)] }
}

export const FeatherMask: NodeImplementation = async (inputs) => {
  const mask = inputMask(inputs, 'mask')
  const left = Math.trunc(inputNumber(inputs, 'left', 0))
  const top = Math.trunc(inputNumber(inputs, 'top', 0))
  const right = Math.trunc(inputNumber(inputs, 'right', 0))
  const bottom = Math.trunc(inputNumber(inputs, 'bottom', 0))
  return { outputs: [feather(mask, left, top, right, bottom)] }
}

function feather(mask: Mask, left: number, top: number, right: number, bottom: number): Mask {
  const out = Buffer.from(mask.data)
  const { width, height } = mask
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let t = 1
      if (x < left) t *= (x + 1) / left
      if (width - x <= right) t *= (width - x) / right
      if (y < top) t *= (y + 1) / top
      if (height - y <= bottom) t *= (height - y) / bottom
      const i = y * width + x
      out[i] = Math.round((out[i] as number) * t)
    }
  }
  return { ...mask, data: out }
}

function channelOf(name: string): 0 | 1 | 2 | 3 {
  const channel = CHANNELS[name as keyof typeof CHANNELS]
  if (channel === undefined) throw new NodeException('KeyError', `'${name}'`)
  return channel
}
