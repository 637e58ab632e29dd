/** Writing a CLI output file without ever leaving a half-written one. */
import { randomBytes } from 'node:crypto'
import { rename, rm, writeFile } from 'node:fs/promises'
import { ComfyError } from '../errors.js'

/** An output file that cannot be written. */
export class OutputFileError extends ComfyError {}

/**
 * Writes `text` to a temporary file in the same folder, then renames it over `path`: readers never see a
 * half-written file, and a failure leaves nothing behind. `shown` names the file in errors (as the user typed it).
 */
export async function writeFileAtomic(path: string, text: string, shown = path): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  try {
    await writeFile(temp, text, { flag: 'wx' })
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true })
    throw new OutputFileError(`cannot write ${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      file: shown,
      cause: error,
    })
  }
}
