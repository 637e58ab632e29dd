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
    /** The present text of each of `files` (`undefined` where there is none), when the caller read them already. */
    current?: readonly (string | undefined)[]
  } = {},
): Promise<WriteResult> {
  const isGenerated = options.isGenerated ?? ((name, text) => name.endsWith('.ts') && text.includes(GENERATED_MARKER))
  const current = options.current ?? (await readCurrentFiles(outDir, files))
  const changedFiles = files.filter((file, i) => current[i] !== file.text)
  const changed = changedFiles.map((f) => f.path)
  const produced = new Set(files.map((f) => f.path))
  const others = (await readdir(outDir).catch(() => [] as string[])).filter((name) => !produced.has(name))
  const otherTexts = await Promise.all(others.map((name) => readFile(join(outDir, name), 'utf8').catch(() => '')))
  const obsolete = others.filter((name, i) => isGenerated(name, otherTexts[i] as string))
  if (options.check) {
    if (changed.length > 0 || obsolete.length > 0) {
      throw new StaleGeneratedCodeError([...changed, ...obsolete].map((p) => join(outDir, p)))
    }
    return { changed, obsolete }
  }
  for (const dir of new Set(changedFiles.map((f) => dirname(join(outDir, f.path))))) await mkdir(dir, { recursive: true })
  await Promise.all(
    changedFiles.map(async (file) => {
      const target = join(outDir, file.path)
      const temp = `${target}.${process.pid}.tmp`
      await writeFile(temp, file.text)
      await rename(temp, target)
    }),
  )
  await Promise.all(obsolete.map((path) => rm(join(outDir, path))))
  return { changed, obsolete }
}

/** The present text of each of `files` under `outDir` (`undefined` where there is none), read concurrently. */
export function readCurrentFiles(outDir: string, files: readonly Pick<GeneratedFile, 'path'>[]): Promise<(string | undefined)[]> {
  return Promise.all(files.map((file) => readFile(join(outDir, file.path), 'utf8').catch(() => undefined)))
}
