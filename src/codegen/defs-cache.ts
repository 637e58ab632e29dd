/**
 * A user's `/object_info` is validated and normalized once: the result is cached by the text's sha256, in the OS
 * cache folder (`~/.cache/comfy-dsl/object-info` on Linux; `COMFY_DSL_CACHE_DIR` moves it), and `codegen` and
 * `check --object-info` read it back on later runs (a `JSON.parse` per class used, instead of checking and
 * normalizing every class). `COMFY_DSL_CACHE=off` or `--no-cache` turn it off.
 *
 * An entry names the normalizer it came from (the package version and a hash of the parser's own files), so a
 * changed normalizer never reads an older entry; it carries a sha256 of its body, so a truncated or corrupted
 * entry is ignored (and rewritten), never used.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import envPaths from 'env-paths'
import { decodeDefSet, encodeNodeDef } from '../defs/core/codec.js'
import type { DefSet } from '../defs/model.js'
import type { NormalizeResult } from '../defs/normalize.js'

const FORMAT = 'comfy-dsl object_info cache 2'
const NEWLINE = 10
/** Entries kept; the least recently written go first. */
const MAX_ENTRIES = 16

/** Where entries go: `dir`, or `COMFY_DSL_CACHE_DIR`, or the OS cache folder; `undefined` when caching is off. */
export function defsCacheDir(env: Readonly<Record<string, string | undefined>> = process.env, dir?: string | false): string | undefined {
  if (dir === false) return undefined
  if (dir !== undefined) return dir
  const setting = env['COMFY_DSL_CACHE']?.toLowerCase()
  if (setting === '0' || setting === 'off' || setting === 'false' || setting === 'no') return undefined
  return env['COMFY_DSL_CACHE_DIR'] || join(envPaths('comfy-dsl', { suffix: '' }).cache, 'object-info')
}

let fingerprintMemo: string | undefined

/**
 * The normalizer's identity: the package version and the parser's files (defs/, the JSON reader), so an entry
 * written by other code (an upgrade, or a change in a working copy) is never read.
 */
export function normalizerFingerprint(): string {
  if (fingerprintMemo !== undefined) return fingerprintMemo
  const hash = createHash('sha256')
  const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))
  hash.update(readFileSync(here('../../package.json')))
  for (const dir of ['../defs/', '../defs/core/', '../json/']) {
    for (const name of readdirSync(here(dir)).sort()) {
      // The generated core snapshot is data, not the normalizer:
      if (/\.(js|ts)$/.test(name) && !name.startsWith('snapshot.')) hash.update(name).update(readFileSync(join(here(dir), name)))
    }
  }
  fingerprintMemo = hash.digest('hex').slice(0, 16)
  return fingerprintMemo
}

/**
 * An entry's text: the sha256 of the rest, a line; this header as JSON, a line; then two lines per class, its type
 * as a JSON string and its JSON text (codec.ts), in the order the object_info listed them. Class texts stay
 * text until a class is read (checking a prompt reads a few).
 */
interface Header {
  readonly format: string
  readonly fingerprint: string
  readonly source: string
  readonly infoFields: readonly string[]
}

// Named by text and normalizer, so that two installs (or working copies) sharing the folder keep apart entries:
function entryPath(dir: string, sourceSha256: string): string {
  return join(dir, `${sourceSha256.slice(0, 32)}-${normalizerFingerprint()}.json`)
}

/**
 * The cached definitions of the object_info whose text has `sourceSha256`, or `undefined` when there is no usable
 * entry (none, another normalizer's, unreadable, corrupted).
 */
export async function readCachedDefs(dir: string, sourceSha256: string): Promise<NormalizeResult | undefined> {
  let bytes: Buffer
  try {
    bytes = await readFile(entryPath(dir, sourceSha256))
  } catch {
    return undefined
  }
  try {
    // The checksum is of the body's bytes, checked before they are decoded (hashing a string encodes it again):
    if (bytes.length < 65 || bytes[64] !== NEWLINE) return undefined
    if (createHash('sha256').update(bytes.subarray(65)).digest('hex') !== bytes.toString('latin1', 0, 64)) return undefined
    const lines = bytes.toString('utf8', 65).split('\n')
    const header = JSON.parse(lines[0] as string) as Header
    if (header.format !== FORMAT || header.fingerprint !== normalizerFingerprint() || header.source !== sourceSha256) return undefined
    if (lines.length % 2 !== 1 || !Array.isArray(header.infoFields)) return undefined
    const classes: [string, string][] = []
    for (let i = 1; i < lines.length; i += 2) {
      const name = JSON.parse(lines[i] as string) as unknown
      if (typeof name !== 'string') return undefined
      classes.push([name, lines[i + 1] as string])
    }
    const defs: DefSet = { ...decodeDefSet(classes, { sha256: sourceSha256 }), infoFields: new Set(header.infoFields) }
    return { defs, problems: [] }
  } catch {
    return undefined
  }
}

/**
 * Writes the entry for `defs` (built from the text with `sourceSha256`), through a temporary file and a rename.
 * Failing to write (read-only folder...) only costs the next run the parse. Sets with problems are not cached.
 */
export async function writeCachedDefs(dir: string, sourceSha256: string, result: NormalizeResult): Promise<void> {
  if (result.problems.length > 0) return
  try {
    const header: Header = {
      format: FORMAT,
      fingerprint: normalizerFingerprint(),
      source: sourceSha256,
      infoFields: [...(result.defs.infoFields ?? [])],
    }
    const lines = [JSON.stringify(header)]
    for (const [name, def] of result.defs.classes) lines.push(JSON.stringify(name), encodeNodeDef(def))
    // Encoded once: the checksum is of these bytes, and they are what is written.
    const body = Buffer.from(lines.join('\n'), 'utf8')
    await mkdir(dir, { recursive: true })
    const target = entryPath(dir, sourceSha256)
    const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    await writeFile(temp, Buffer.concat([Buffer.from(`${createHash('sha256').update(body).digest('hex')}\n`, 'latin1'), body]))
    await rename(temp, target)
    await prune(dir)
  } catch {
    // A cache that cannot be written is no cache.
  }
}

async function prune(dir: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => /^[0-9a-f]{32}-[0-9a-f]{16}\.json$/.test(n))
  if (names.length <= MAX_ENTRIES) return
  const dated = await Promise.all(names.map(async (name) => ({ name, time: (await stat(join(dir, name))).mtimeMs })))
  dated.sort((a, b) => a.time - b.time)
  for (const { name } of dated.slice(0, dated.length - MAX_ENTRIES)) await rm(join(dir, name), { force: true })
}
