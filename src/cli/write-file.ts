/** Writing a CLI output file without ever leaving a half-written one. */
import { link, rename, rm, writeFile } from 'node:fs/promises'
import { nodeCrypto } from '../client/node-crypto.js'
import { ComfyError } from '../errors.js'

/** An output file that cannot be written. */
export class OutputFileError extends ComfyError {}

/**
 * Writes `text` to a temporary file in the same folder, then moves it to `path`: readers never see a
 * half-written file, and a failure leaves nothing behind. Without `overwrite` the move is a hard link, which
 * fails when `path` appeared meanwhile, so an existing file is never replaced. `shown` names the file in errors
 * (as the user typed it).
 */
export async function writeFileAtomic(path: string, text: string, shown = path, overwrite = true): Promise<void> {
  const temp = `${path}.${nodeCrypto().randomBytes(6).toString('hex')}.tmp`
  try {
    await writeFile(temp, text, { flag: 'wx' })
    if (overwrite) await rename(temp, path)
    else await link(temp, path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new OutputFileError(
      code === 'EEXIST' ? `${shown} exists; pass --overwrite to replace it` : `cannot write ${shown}: ${code ?? (error as Error).message}`,
      { file: shown, cause: error },
    )
  } finally {
    await rm(temp, { force: true })
  }
}
