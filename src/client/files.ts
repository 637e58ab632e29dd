/**
 * Local files the client writes: names from the server are checked before they touch the disk, and every
 * file is written to a temporary name in the destination folder, then renamed, so no half-written file remains.
 * @module
 */
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { UnsafeFileNameError } from './errors.js'
import { nodeCrypto } from './node-crypto.js'

/** Returns `name` when it is a plain file name (no separators, no `..`, no control or drive characters). */
export function checkFileName(name: string): string {
  const reason = unsafeReason(name)
  if (reason !== undefined) throw new UnsafeFileNameError(name, reason)
  return name
}

function unsafeReason(name: string): string | undefined {
  if (name.length === 0) return 'it is empty'
  if (name === '.' || name === '..') return 'it names a folder'
  if (/[/\\]/.test(name)) return 'it contains a path separator'
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains control characters'
  if (name.includes(':')) return 'it contains ":" (a drive or stream name on Windows)'
  if (Buffer.byteLength(name) > 255) return 'it is longer than 255 bytes'
  return undefined
}

/** `dir/sub/.../name` for a server subfolder, each segment checked, the result proven to stay inside `dir`. */
export function destinationPath(dir: string, name: string, subfolder = ''): string {
  const parts = subfolder === '' ? [] : subfolder.split(/[/\\]/).filter((p) => p !== '')
  for (const part of parts) checkFileName(part)
  const root = resolve(dir)
  const target = resolve(root, ...parts, checkFileName(name))
  if (!target.startsWith(root + sep)) throw new UnsafeFileNameError(join(subfolder, name), 'it resolves outside the destination folder')
  return target
}

/** Streams `source` to `target` through a temporary file in the same folder. */
export async function writeAtomically(target: string, source: Readable | Buffer): Promise<void> {
  await mkdir(resolve(target, '..'), { recursive: true })
  const temp = `${target}.${nodeCrypto().randomBytes(6).toString('hex')}.part`
  try {
    const out = createWriteStream(temp, { flags: 'wx' })
    if (Buffer.isBuffer(source)) {
      await new Promise<void>((done, fail) => {
        out.on('error', fail)
        out.end(source, () => done())
      })
    } else {
      await pipeline(source, out)
    }
    await rename(temp, target)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}
