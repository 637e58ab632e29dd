/**
 * Output nodes: SaveImage (PNG with the prompt and workflow as text chunks, see ../save-metadata.ts; `prefix_00001_.png` counters),
 * PreviewImage (temp folder) and PreviewAny (text).
 * @module
 */
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { encodePng } from '../pixels.js'
import { pyDumps } from '../py-json.js'
import { withSaveMetadata } from '../save-metadata.js'
import { inputImage, inputString } from './inputs.js'
import { NodeException, type NodeContext, type NodeImplementation } from './types.js'

export const SaveImage: NodeImplementation = async (inputs, context) => {
  const prefix = inputString(inputs, 'filename_prefix', 'ComfyUI')
  return { outputs: [], ui: { images: [await save(inputs, context, 'output', prefix)] } }
}

export const PreviewImage: NodeImplementation = async (inputs, context) => {
  const prefix = `ComfyUI_temp_${randomBytes(4).toString('hex').slice(0, 5)}`
  return { outputs: [], ui: { images: [await save(inputs, context, 'temp', prefix)] } }
}

export const PreviewAny: NodeImplementation = async (inputs) => {
  const source = inputs['source']
  const text = typeof source === 'string' ? source : typeof source === 'object' && source !== null ? describeObject(source) : pyDumps(source)
  return { outputs: [], ui: { text: [text] } }
}

async function save(
  inputs: Readonly<Record<string, unknown>>,
  context: NodeContext,
  type: 'output' | 'temp',
  prefix: string,
): Promise<{ filename: string; subfolder: string; type: string }> {
  const image = inputImage(inputs, 'images')
  let target
  try {
    target = await context.files.nextImageName(type, prefix)
  } catch (error) {
    throw new NodeException('Exception', error instanceof Error ? error.message : String(error))
  }
  await writeFile(target.path, withSaveMetadata(await encodePng(image), context))
  return { filename: context.reportedFileName ?? target.filename, subfolder: target.subfolder, type }
}

function describeObject(value: object): string {
  const kind = (value as { kind?: unknown }).kind
  if (kind === 'image' || kind === 'mask') {
    const { width, height } = value as { width: number; height: number }
    return `${String(kind).toUpperCase()} ${width}x${height}`
  }
  const name = (value as { name?: unknown }).name
  return typeof name === 'string' ? `${String(kind).toUpperCase()} ${name}` : String(kind ?? 'object')
}
