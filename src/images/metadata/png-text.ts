/**
 * PNG text chunks: tEXt (Latin-1), zTXt (zlib-compressed Latin-1) and iTXt (UTF-8, optionally compressed,
 * which some ComfyUI front ends write). Decompression is bounded, so a small chunk cannot expand into
 * gigabytes.
 * @module
 */
import { inflateSync } from 'node:zlib'
import { ImageMetadataError } from '../errors.js'
import { encodePngChunk, type PngChunk } from './png-chunks.js'

export const TEXT_CHUNK_TYPES = ['tEXt', 'zTXt', 'iTXt'] as const

export interface PngTextEntry {
  readonly keyword: string
  readonly text: string
}

export function isTextChunk(chunk: PngChunk): boolean {
  return (TEXT_CHUNK_TYPES as readonly string[]).includes(chunk.type)
}

/** The keyword of a text chunk, read without decompressing its text. */
export function textChunkKeyword(chunk: PngChunk): string {
  const end = chunk.data.indexOf(0)
  return chunk.data.toString('latin1', 0, end < 0 ? chunk.data.length : end)
}

/** Decodes one text chunk; `maxTextBytes` bounds the decompressed size. */
export function decodeTextChunk(chunk: PngChunk, source: string, maxTextBytes: number): PngTextEntry {
  const { data, type } = chunk
  const keywordEnd = data.indexOf(0)
  if (keywordEnd < 1 || keywordEnd > 79) {
    throw new ImageMetadataError(source, undefined, `PNG ${type} chunk at byte ${chunk.offset} has no valid keyword`)
  }
  const keyword = data.toString('latin1', 0, keywordEnd)
  const fail = (detail: string) => new ImageMetadataError(source, keyword, `PNG ${type} chunk: ${detail}`)
  if (type === 'tEXt') return { keyword, text: data.toString('latin1', keywordEnd + 1) }
  if (type === 'zTXt') {
    if (data[keywordEnd + 1] !== 0) throw fail('unknown compression method')
    return { keyword, text: inflate(data.subarray(keywordEnd + 2), maxTextBytes, fail).toString('latin1') }
  }
  // iTXt: keyword, 0, compression flag, method, language tag, 0, translated keyword, 0, text
  const compressed = data[keywordEnd + 1]
  const languageEnd = data.indexOf(0, keywordEnd + 3)
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1)
  if (compressed === undefined || translatedEnd < 0) throw fail('truncated header')
  const body = data.subarray(translatedEnd + 1)
  if (compressed === 0) return { keyword, text: body.toString('utf8') }
  if (data[keywordEnd + 2] !== 0) throw fail('unknown compression method')
  return { keyword, text: inflate(body, maxTextBytes, fail).toString('utf8') }
}

/**
 * A tEXt chunk when the text is plain ASCII (what ComfyUI's SaveImage writes), an iTXt chunk (UTF-8)
 * otherwise.
 */
export function encodeTextChunk(keyword: string, text: string): Buffer {
  const key = Buffer.from(keyword, 'latin1')
  if (/^[\x20-\x7e]*$/.test(text)) {
    return encodePngChunk('tEXt', Buffer.concat([key, Buffer.from([0]), Buffer.from(text, 'latin1')]))
  }
  const header = Buffer.from([0, 0, 0, 0, 0]) // end of keyword, no compression, method 0, empty language, empty translation
  return encodePngChunk('iTXt', Buffer.concat([key, header, Buffer.from(text, 'utf8')]))
}

/** Keywords are 1-79 Latin-1 characters without leading, trailing or double spaces (PNG spec 11.3.4). */
export function isValidKeyword(keyword: string): boolean {
  return /^[\x21-\x7e\xa1-\xff](?:[\x20-\x7e\xa1-\xff]{0,77}[\x21-\x7e\xa1-\xff])?$/.test(keyword) && !keyword.includes('  ')
}

function inflate(data: Buffer, maxBytes: number, fail: (detail: string) => ImageMetadataError): Buffer {
  try {
    return inflateSync(data, { maxOutputLength: maxBytes })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (error instanceof RangeError || /maxOutputLength|larger than/i.test(message)) {
      throw fail(`decompressed text is larger than ${maxBytes} bytes`)
    }
    throw fail(`cannot decompress: ${message}`)
  }
}
