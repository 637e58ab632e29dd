/**
 * Writing generated files, or checking that committed ones are fresh (`--check`).
 * @module
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { StaleGeneratedCodeError } from '../errors.js'
import type { GeneratedFile } from './generate.js'
import { GENERATED_MARKER } from './marker.js'

export interface WriteResult {
  /** Files whose content changed (or would change with `check`). */
  readonly changed: readonly string[]
  /** Generated files no longer produced (removed, or reported with `check`). */
  readonly obsolete: readonly string[]
}

/**
 * Writes `files` under `outDir` (each through a temporary file and a rename, so a failure leaves no
 * half-written file) and removes generated files that are no longer produced. Files without the generated
 * header are never touched. With `check`, writes nothing and throws {@link StaleGeneratedCodeError} when
 * anything would change.
 */
export async function writeGeneratedFiles(
  outDir: string,
  files: readonly GeneratedFile[],
  options: {
    check?: boolean
    /** Which existing files the generator owns (default: .ts files carrying the generated header). */
    isGenerated?: (name: string, text: string) => boolean
  } = {},
): Promise<WriteResult> {
  const isGenerated = options.isGenerated ?? ((name, text) => name.endsWith('.ts') && text.includes(GENERATED_MARKER))
  const changed: string[] = []
  for (const file of files) {
    const current = await readFile(join(outDir, file.path), 'utf8').catch(() => undefined)
    if (current !== file.text) changed.push(file.path)
  }
  const produced = new Set(files.map((f) => f.path))
  const obsolete: string[] = []
  for (const name of await readdir(outDir).catch(() => [] as string[])) {
    if (produced.has(name)) continue
    const text = await readFile(join(outDir, name), 'utf8').catch(() => '')
    if (isGenerated(name, text)) obsolete.push(name)
  }
  if (options.check) {
    if (changed.length > 0 || obsolete.length > 0) {
      throw new StaleGeneratedCodeError([...changed, ...obsolete].map((p) => join(outDir, p)))
    }
    return { changed, obsolete }
  }
  for (const path of changed) {
    const target = join(outDir, path)
    const file = files.find((f) => f.path === path) as GeneratedFile
    await mkdir(dirname(target), { recursive: true })
    const temp = `${target}.${process.pid}.tmp`
    await writeFile(temp, file.text)
    await rename(temp, target)
  }
  for (const path of obsolete) await rm(join(outDir, path))
  return { changed, obsolete }
}
