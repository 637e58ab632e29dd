/**
 * Where an image comes from (a path, bytes or a stream) and reading it into memory within a byte limit.
 * @module
 */
import { open } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { InvalidImageError } from './errors.js'

/** Bytes or a stream, with the name that error messages should use for it. */
export interface NamedImageInput {
  readonly name: string
  readonly data: Uint8Array | AsyncIterable<Uint8Array>
}

/**
 * An image to read: a file path (or `file:` URL), bytes (a Buffer is fine), a readable stream (Node or web;
 * anything async-iterable over byte chunks) or one of those with a name for messages.
 */
export type ImageInput = string | URL | Uint8Array | AsyncIterable<Uint8Array> | NamedImageInput

export interface ReadInput {
  readonly bytes: Buffer
  /** The path, the given name, or `<buffer>` / `<stream>`: where the image came from, for messages. */
  readonly source: string
  /** The file path, when the image came from a file. */
  readonly path: string | undefined
}

/** Reads an input fully; refuses it (`too-large`) as soon as it passes `maxBytes`, without reading the rest. */
export async function readImageInput(input: ImageInput, maxBytes: number): Promise<ReadInput> {
  if (input instanceof URL && input.protocol !== 'file:') {
    throw new InvalidImageError(input.href, 'unreadable', 'only file: URLs can be read; download other URLs first')
  }
  if (typeof input === 'string' || input instanceof URL) {
    const path = typeof input === 'string' ? input : fileURLToPath(input)
    return { bytes: await readFileWithin(path, maxBytes), source: path, path }
  }
  if (input instanceof Uint8Array) return fromBytes(input, '<buffer>', maxBytes)
  if (typeof input !== 'object' || input === null) {
    throw new InvalidImageError(describeUnknown(input), 'unreadable', EXPECTED_INPUT)
  }
  if (isNamed(input)) {
    const { name, data } = input
    if (data instanceof Uint8Array) return fromBytes(data, name, maxBytes)
    return { bytes: await readStreamWithin(data, name, maxBytes), source: name, path: undefined }
  }
  if (isAsyncIterable(input)) {
    return { bytes: await readStreamWithin(input, '<stream>', maxBytes), source: '<stream>', path: undefined }
  }
  throw new InvalidImageError(describeUnknown(input), 'unreadable', EXPECTED_INPUT)
}

const EXPECTED_INPUT = 'expected a file path, a file URL, a Buffer/Uint8Array or a readable stream'

function fromBytes(data: Uint8Array, source: string, maxBytes: number): ReadInput {
  if (data.byteLength > maxBytes) throw tooLarge(source, data.byteLength, maxBytes)
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return { bytes, source, path: undefined }
}

async function readFileWithin(path: string, maxBytes: number): Promise<Buffer> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    throw new InvalidImageError(path, 'unreadable', systemMessage(error), { cause: error })
  }
  try {
    const { size, isFile } = await handle.stat().then((s) => ({ size: s.size, isFile: s.isFile() }))
    if (!isFile) throw new InvalidImageError(path, 'unreadable', 'not a regular file')
    if (size > maxBytes) throw tooLarge(path, size, maxBytes)
    // Read one byte past the limit so a file that grows while being read is still caught:
    const buffer = Buffer.allocUnsafe(Math.min(size, maxBytes) + 1)
    let filled = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled)
      if (bytesRead === 0) break
      filled += bytesRead
      if (filled > maxBytes) throw tooLarge(path, filled, maxBytes)
    }
    return buffer.subarray(0, filled)
  } catch (error) {
    if (error instanceof InvalidImageError) throw error
    throw new InvalidImageError(path, 'unreadable', systemMessage(error), { cause: error })
  } finally {
    await handle.close()
  }
}

async function readStreamWithin(stream: AsyncIterable<Uint8Array>, source: string, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    // Leaving the loop early (by throwing) makes for-await call the iterator's return(), which destroys a Node stream:
    for await (const chunk of stream) {
      if (!(chunk instanceof Uint8Array)) {
        throw new InvalidImageError(source, 'unreadable', 'the stream yielded text, not bytes (do not set an encoding)')
      }
      total += chunk.byteLength
      if (total > maxBytes) throw tooLarge(source, total, maxBytes, 'at least ')
      chunks.push(chunk)
    }
  } catch (error) {
    if (error instanceof InvalidImageError) throw error
    throw new InvalidImageError(source, 'unreadable', systemMessage(error), { cause: error })
  }
  return Buffer.concat(chunks, total)
}

function tooLarge(source: string, size: number, maxBytes: number, qualifier = ''): InvalidImageError {
  return new InvalidImageError(source, 'too-large', `${qualifier}${size} bytes, more than the limit of ${maxBytes}`)
}

function isNamed(input: object): input is NamedImageInput {
  return 'name' in input && 'data' in input && typeof (input as { name: unknown }).name === 'string'
}

function isAsyncIterable(input: object): input is AsyncIterable<Uint8Array> {
  return typeof (input as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
}

function systemMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function describeUnknown(input: unknown): string {
  return input === null ? '<null>' : `<${typeof input}>`
}
