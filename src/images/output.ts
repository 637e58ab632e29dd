/**
 * Writing results: to a temporary file beside the target, then renamed, so a failure never leaves a
 * half-written file; an existing target is kept unless the caller asks to overwrite it.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { access, link, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { OutputExistsError } from './errors.js'

export interface OutputOptions {
  /** Also write the result to this file. */
  readonly out?: string
  /** Replace `out` when it exists (default false: refuse with {@link OutputExistsError}). */
  readonly overwrite?: boolean
}

/** Writes `data` to `path` atomically; refuses to replace an existing file unless `overwrite`. */
export async function writeOutput(path: string, data: Uint8Array, overwrite = false): Promise<string> {
  const temp = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`)
  await writeFile(temp, data, { flag: 'wx' })
  try {
    if (overwrite) await rename(temp, path)
    else await placeWithoutReplacing(temp, path)
  } finally {
    await rm(temp, { force: true })
  }
  return path
}

/** Writes `data` when `options.out` is set and returns the path written, if any. */
export async function emit(data: Uint8Array, options: OutputOptions): Promise<string | undefined> {
  if (options.out === undefined) return undefined
  return writeOutput(options.out, data, options.overwrite === true)
}

async function placeWithoutReplacing(temp: string, path: string): Promise<void> {
  try {
    // link() fails when the target exists, so no other writer can slip in between a check and the rename:
    await link(temp, path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw new OutputExistsError(path)
    // Some file systems have no hard links; fall back to check-then-rename:
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw error
    if (await exists(path)) throw new OutputExistsError(path)
    await rename(temp, path)
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}
