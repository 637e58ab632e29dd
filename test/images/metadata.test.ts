import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ImageMetadataError,
  InvalidImageError,
  OutputExistsError,
  readImageText,
  readWorkflowMetadata,
  stripWorkflowMetadata,
  writeWorkflowMetadata,
} from '../../src/images/index.js'
import { readIfd0Ascii } from '../../src/images/metadata/exif-ascii.js'
import { readPngChunks } from '../../src/images/metadata/png-chunks.js'
import { readWebpChunks } from '../../src/images/metadata/webp-container.js'
import { parseJson } from '../../src/json/lossless.js'
import { readFixture } from '../helpers/fixtures.js'
import { DOG, LORA_PNG, imageFixture, makeHostileSet, pngChunk, type HostileSet } from './hostile-files.js'

let set: HostileSet
beforeAll(async () => {
  set = await makeHostileSet()
})
afterAll(() => set.cleanup())

const fixture = (name: string) => imageFixture(name)

describe('reading the metadata of the fixture images', () => {
  it.each([
    ['comfyui-examples__lora_multiple_with_embedded_workflow.png', 'png', ['prompt', 'workflow']],
    ['stablecanvas__workflow-min_ui-only-metadata.png', 'png', ['workflow']],
    ['comfyui-frontend__workflowInMedia_workflow_itxt.png', 'png', ['workflow']],
    ['comfyui-frontend__workflowInMedia_workflow_prompt_parameters.png', 'png', ['prompt', 'parameters']],
    ['comfyui-frontend__workflowInMedia_edited_workflow.webp', 'webp', ['workflow', 'prompt']],
    ['comfyui-frontend__workflowInMedia_no_workflow.webp', 'webp', []],
    ['comfyui-frontend__example.webp', 'webp', []],
    ['comfyui-examples__controlnet_pose_present.png', 'png', []],
    ['comfy-ts__dog_512x512.jpg', 'jpeg', []],
  ] as const)('%s (%s) has %j', async (file, format, keys) => {
    const text = await readImageText(fixture(file))
    expect(text.format).toBe(format)
    expect(Object.keys(text.entries).sort()).toEqual([...keys].sort())
    const meta = await readWorkflowMetadata(fixture(file))
    expect(meta.prompt === undefined).toBe(!keys.includes('prompt' as never))
    expect(meta.workflow === undefined).toBe(!keys.includes('workflow' as never))
  })

  it('gives the same workflow as the one extracted into the workflow fixtures', async () => {
    const meta = await readWorkflowMetadata(fixture('stablecanvas__workflow-min_ui-only-metadata.png'))
    expect(meta.workflow).toEqual(parseJson(readFixture('workflows', 'pairs', 'stablecanvas__workflow-min.ui.json')))
  })

  it('reads a ComfyUI SaveImage PNG: prompt (API) and workflow (UI)', async () => {
    const meta = await readWorkflowMetadata(LORA_PNG)
    const prompt = meta.prompt as Record<string, { class_type: string; inputs: Record<string, unknown> }>
    expect(prompt['3']?.class_type).toBe('KSampler')
    expect(prompt['3']?.inputs.seed).toBe(513173432917412)
    expect((meta.workflow as { nodes: unknown[] }).nodes.length).toBeGreaterThan(5)
  })

  it('reads the WebP EXIF entries (Make = workflow, Model = prompt) and iTXt chunks', async () => {
    const webp = await readWorkflowMetadata(fixture('comfyui-frontend__workflowInMedia_edited_workflow.webp'))
    expect((webp.prompt as Record<string, { class_type: string }>)['3']?.class_type).toBe('KSampler')
    expect((webp.workflow as { last_node_id: number }).last_node_id).toBe(11)
    const itxt = await readWorkflowMetadata(fixture('comfyui-frontend__workflowInMedia_workflow_itxt.png'))
    expect((itxt.workflow as { nodes: { type: string }[] }).nodes[0]?.type).toBe('EmptyLatentImage')
  })
})

describe('writing metadata as ComfyUI does', () => {
  const prompt = { '3': { class_type: 'KSampler', inputs: { seed: 18446744073709551615n, text: 'café ☕' } } }
  const workflow = { last_node_id: 1, nodes: [{ id: 1, type: 'KSampler' }] }

  it('PNG: tEXt chunks with valid CRCs before the image data, pixels untouched, big seeds exact', async () => {
    const source = await sharp(DOG).resize(64, 64).png().toBuffer()
    const written = await writeWorkflowMetadata(source, { prompt, workflow, extra: { note: 'hello' } })
    const chunks = readPngChunks(written.data, 'written') // throws on any bad CRC
    const types = chunks.map((c) => c.type)
    expect(types.filter((t) => t === 'tEXt')).toHaveLength(3)
    expect(types.lastIndexOf('tEXt')).toBeLessThan(types.indexOf('IDAT'))
    expect(types.at(-1)).toBe('IEND')
    const meta = await readWorkflowMetadata(written.data)
    expect(meta.prompt).toEqual(prompt)
    expect(meta.workflow).toEqual(workflow)
    expect(meta.text.note).toBe('"hello"')
    // ASCII-only JSON, as Python's json.dumps writes it, so tEXt holds it exactly:
    expect(meta.text.prompt).toContain('caf\\u00e9 \\u2615')
    expect(meta.text.prompt).toContain('18446744073709551615')
    // libpng (through sharp) reads the chunks too, and the pixels are unchanged:
    const comments = (await sharp(written.data).metadata()).comments ?? []
    expect(comments.map((c) => c.keyword)).toEqual(['prompt', 'workflow', 'note'])
    expect((await sharp(written.data).raw().toBuffer()).equals(await sharp(source).raw().toBuffer())).toBe(true)
  })

  it('PNG: replaces the entries given, keeps the others, strips on request', async () => {
    const replaced = await writeWorkflowMetadata(LORA_PNG, { workflow })
    const meta = await readWorkflowMetadata(replaced.data)
    expect(meta.workflow).toEqual(workflow)
    expect((meta.prompt as Record<string, unknown>)['3']).toBeDefined()
    const stripped = await stripWorkflowMetadata(replaced.data)
    expect((await readImageText(stripped.data)).entries).toEqual({})
    expect(stripped.data.length).toBeLessThan(replaced.data.length)
    const onlyPrompt = await stripWorkflowMetadata(LORA_PNG, { keys: ['workflow'] })
    expect(Object.keys((await readImageText(onlyPrompt.data)).entries)).toEqual(['prompt'])
  })

  it('WebP: EXIF with prompt in 0x0110 and workflow in 0x010F, from a simple lossy file', async () => {
    const simple = readFileSync(fixture('comfyui-frontend__workflowInMedia_no_workflow.webp'))
    expect(readWebpChunks(simple, 'simple').map((c) => c.fourcc)).toEqual(['VP8 '])
    const written = await writeWorkflowMetadata(simple, { prompt, workflow })
    const chunks = readWebpChunks(written.data, 'written')
    expect(chunks.map((c) => c.fourcc)).toEqual(['VP8X', 'VP8 ', 'EXIF'])
    expect(chunks[0]!.data[0]! & 0x08).toBe(0x08)
    const tags = readIfd0Ascii(chunks[2]!.data)
    expect(tags.get(0x0110)?.startsWith('prompt:{"3":')).toBe(true)
    expect(tags.get(0x010f)?.startsWith('workflow:{"last_node_id":1')).toBe(true)
    const meta = await readWorkflowMetadata(written.data)
    expect(meta.prompt).toEqual(prompt)
    expect(meta.workflow).toEqual(workflow)
    const decoded = await sharp(written.data).metadata()
    expect([decoded.width, decoded.height]).toEqual([32, 32])
    expect((await sharp(written.data).raw().toBuffer()).equals(await sharp(simple).raw().toBuffer())).toBe(true)
  })

  it('WebP: lossless with alpha and animated files keep their flags and frames', async () => {
    const lossless = await sharp(set.holePng).webp({ lossless: true }).toBuffer()
    const written = await writeWorkflowMetadata(lossless, { workflow })
    expect((await sharp(written.data).metadata()).hasAlpha).toBe(true)
    expect((await sharp(written.data).raw().toBuffer()).equals(await sharp(lossless).raw().toBuffer())).toBe(true)
    const animated = await writeWorkflowMetadata(set.animatedWebp, { prompt })
    expect((await sharp(animated.data).metadata()).pages).toBe(2)
    expect((await readWorkflowMetadata(animated.data)).prompt).toEqual(prompt)
    const stripped = await stripWorkflowMetadata(animated.data)
    expect(readWebpChunks(stripped.data, 'stripped').some((c) => c.fourcc === 'EXIF')).toBe(false)
    expect(readWebpChunks(stripped.data, 'stripped')[0]!.data[0]! & 0x08).toBe(0)
  })

  it('WebP: rewriting keeps the other ComfyUI entries of the fixture', async () => {
    const edited = fixture('comfyui-frontend__workflowInMedia_edited_workflow.webp')
    const written = await writeWorkflowMetadata(edited, { workflow })
    const meta = await readWorkflowMetadata(written.data)
    expect(meta.workflow).toEqual(workflow)
    expect(meta.prompt).toEqual((await readWorkflowMetadata(edited)).prompt)
  })

  it('writes files atomically and refuses to overwrite them', async () => {
    const out = join(set.dir, 'with-workflow.png')
    const first = await writeWorkflowMetadata(DOG, { workflow }).catch((e: unknown) => e)
    expect(first).toBeInstanceOf(InvalidImageError)
    expect(first).toMatchObject({ reason: 'format' })
    expect((first as Error).message).toContain('PNG and WebP only, not jpeg')
    const written = await writeWorkflowMetadata(LORA_PNG, { workflow }, { out })
    expect(written.path).toBe(out)
    await expect(writeWorkflowMetadata(LORA_PNG, { workflow }, { out })).rejects.toBeInstanceOf(OutputExistsError)
    await expect(writeWorkflowMetadata(LORA_PNG, { workflow }, { out, overwrite: true })).resolves.toMatchObject({ path: out })
  })
})

describe('hostile metadata', () => {
  const withChunks = (...extra: Buffer[]) => {
    const png = readFileSync(fixture('comfyui-frontend__workflowInMedia_workflow_itxt.png'))
    const chunks = readPngChunks(png, 'fixture')
    const iend = chunks.at(-1)!
    return Buffer.concat([png.subarray(0, iend.offset), ...extra, png.subarray(iend.offset)])
  }
  const text = (keyword: string, value: string) => pngChunk('tEXt', Buffer.from(`${keyword}\0${value}`, 'latin1'))

  it('names the entry whose JSON is invalid, and still gives the raw text', async () => {
    const png = withChunks(text('prompt', '{"3": {"inputs": {"cfg": NaN}}}'))
    const error = await readWorkflowMetadata({ name: 'nan.png', data: png }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ImageMetadataError)
    expect(error).toMatchObject({ source: 'nan.png', key: 'prompt' })
    expect((error as Error).message).toContain('nan.png (metadata "prompt"): not valid JSON')
    expect((await readImageText(png)).entries.prompt).toContain('NaN')
  })

  it('bounds decompression of zTXt chunks (zip bombs)', async () => {
    const bomb = pngChunk('zTXt', Buffer.concat([Buffer.from('workflow\0\0', 'latin1'), deflateSync(Buffer.alloc(4 << 20, 32))]))
    const png = withChunks(bomb)
    await expect(readImageText(png, { limits: { maxBytes: 1 << 20 } })).rejects.toThrow('larger than 1048576 bytes')
    const text = await readImageText(png)
    expect(text.entries.workflow?.length).toBe(4 << 20)
  })

  it('refuses bad CRCs, truncated chunks and non-images', async () => {
    const good = withChunks(text('prompt', '{}'))
    const badCrc = Buffer.from(good)
    // The last byte of the text chunk's CRC (IEND, 12 bytes, follows it):
    badCrc[badCrc.length - 13] = badCrc[badCrc.length - 13]! ^ 0xff
    await expect(readImageText(badCrc)).rejects.toMatchObject({ reason: 'corrupt' })
    await expect(readImageText(good.subarray(0, good.length - 20))).rejects.toMatchObject({ reason: 'corrupt' })
    await expect(readImageText(set.text)).rejects.toMatchObject({ reason: 'format' })
    await expect(readImageText(Buffer.alloc(0))).rejects.toMatchObject({ reason: 'empty' })
    const riff = Buffer.from(readFileSync(fixture('comfyui-frontend__example.webp')))
    riff.writeUInt32LE(riff.length * 2, 4)
    await expect(readImageText(riff)).rejects.toMatchObject({ reason: 'corrupt' })
  })

  it('skips EXIF entries that point outside the data', () => {
    const exif = Buffer.alloc(30)
    exif.write('II', 0, 'latin1')
    exif.writeUInt16LE(42, 2)
    exif.writeUInt32LE(8, 4)
    exif.writeUInt16LE(1, 8)
    exif.writeUInt16LE(0x0110, 10)
    exif.writeUInt16LE(2, 12)
    exif.writeUInt32LE(1000, 14)
    exif.writeUInt32LE(5000, 18)
    expect(readIfd0Ascii(exif).size).toBe(0)
  })

  it('refuses values that are not JSON and keys that cannot be written', async () => {
    await expect(writeWorkflowMetadata(LORA_PNG, { prompt: () => 1 })).rejects.toThrow('not a JSON value')
    await expect(writeWorkflowMetadata(LORA_PNG, { extra: { 'bad key': 1 } })).rejects.toThrow('keys must be')
    await expect(writeWorkflowMetadata(LORA_PNG, { extra: { prompt: 1 } })).rejects.toThrow('own fields')
  })
})
