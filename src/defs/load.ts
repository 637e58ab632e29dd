/**
 * Entry points that turn `/object_info` text or objects into a {@link DefSet}.
 * @module
 */
import { parseJson } from '../json/lossless.js'
import { normalizeObjectInfo, type NormalizeOptions, type NormalizeResult } from './normalize.js'

/** Parses `/object_info` JSON text (big integers kept exact) and normalizes it. */
export function parseObjectInfo(text: string, options: NormalizeOptions & { file?: string } = {}): NormalizeResult {
  const raw = parseJson(text, options.file === undefined ? {} : { file: options.file })
  return normalizeObjectInfo(raw, options)
}
