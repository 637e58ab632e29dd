/**
 * The bundled core definitions as the CLI reads them: from a file that `npm run build` writes into dist/
 * from the generated module (src/defs/core/snapshot.ts), holding the same JSON text per class behind an index
 * of byte ranges. A command reads the index and the few classes it touches, a few kilobytes, where importing
 * the 2.4 MB module meant reading, decoding and compiling all of it: most of what `comfy-dsl check` cost.
 * `comfy-dsl/defs` keeps the module (it runs in browsers too). Run from source, where no build wrote the file,
 * the CLI imports the module.
 *
 * Layout: 16 bytes with the header's byte length (decimal, space-padded, newline last), the header (JSON:
 * source file, ComfyUI version, sha256, and `[class, offset, length]` per class, offsets counted from the
 * end of the header), then the class texts.
 * @module
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { decodeDefSetLazily } from '../defs/core/codec.js'
import type { DefSet } from '../defs/model.js'

/** Where the build writes the file: beside the compiled module, the same relative path from dist/cli. */
export const CORE_DEFS_FILE = fileURLToPath(new URL('../defs/core/classes.data', import.meta.url))

const PREFIX = 16

export interface CoreDefsMeta {
  readonly file: string
  readonly comfyuiVersion: string
  readonly sha256: string
}

interface Header extends CoreDefsMeta {
  readonly classes: readonly (readonly [string, number, number])[]
}

/** The file's bytes for `classes` (class type and JSON text, as in the generated module). */
export function encodeCoreDefsFile(classes: readonly (readonly [string, string])[], meta: CoreDefsMeta): Buffer {
  const texts = classes.map(([, text]) => Buffer.from(text, 'utf8'))
  let offset = 0
  const index = classes.map(([name], i) => {
    const length = (texts[i] as Buffer).length
    const entry = [name, offset, length] as const
    offset += length
    return entry
  })
  const header = Buffer.from(JSON.stringify({ file: meta.file, comfyuiVersion: meta.comfyuiVersion, sha256: meta.sha256, classes: index }), 'utf8')
  return Buffer.concat([Buffer.from(`${String(header.length).padStart(PREFIX - 1)}\n`, 'latin1'), header, ...texts])
}

/** The definitions in the file at `path`, each class read from disk when first used. */
export function readCoreDefsFile(path: string): { defs: DefSet; meta: CoreDefsMeta } {
  const fd = openSync(path, 'r')
  try {
    const headerLength = Number(readBytes(fd, 0, PREFIX).toString('latin1'))
    if (!Number.isSafeInteger(headerLength) || headerLength <= 0) throw new Error(`${path}: not a core definitions file`)
    const header = JSON.parse(readBytes(fd, PREFIX, headerLength).toString('utf8')) as Header
    const body = PREFIX + headerLength
    const ranges = new Map(header.classes.map(([name, offset, length]) => [name, [body + offset, length] as const]))
    const textOf = (name: string): string => {
      const [start, length] = ranges.get(name) as readonly [number, number]
      // Opened per class: a command reads a handful of classes, and no descriptor stays open behind the map.
      const classFd = openSync(path, 'r')
      try {
        return readBytes(classFd, start, length).toString('utf8')
      } finally {
        closeSync(classFd)
      }
    }
    const meta = { file: header.file, comfyuiVersion: header.comfyuiVersion, sha256: header.sha256 }
    return { defs: decodeDefSetLazily([...ranges.keys()], textOf, meta), meta }
  } finally {
    closeSync(fd)
  }
}

function readBytes(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length)
  let read = 0
  while (read < length) {
    const n = readSync(fd, buffer, read, length - read, position + read)
    if (n === 0) throw new Error(`core definitions file ends early (${read + position} bytes)`)
    read += n
  }
  return buffer
}

/** The core definitions for a CLI command: from the built file, or from the module when running from source. */
export async function loadCoreDefs(): Promise<{ defs: DefSet; meta: CoreDefsMeta }> {
  if (existsSync(CORE_DEFS_FILE)) return readCoreDefsFile(CORE_DEFS_FILE)
  const { coreDefs, CORE_SNAPSHOT } = await import('../defs/core/index.js')
  return { defs: coreDefs, meta: CORE_SNAPSHOT }
}
