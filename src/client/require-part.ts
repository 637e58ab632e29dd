/**
 * Requiring single files of a CommonJS dependency instead of its index, which loads parts the client never uses
 * (undici's fetch and mocks, ws's server): much of a first request's or socket's start-up. A release that moves
 * a file must not break the client, so a caller falls back to the whole package when a part is missing.
 * @module
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

let made: NodeJS.Require | undefined
// Made on first use, like everything the client loads for its first request or socket:
const require = (id: string): unknown => (made ??= createRequire(import.meta.url))(id) as unknown
const resolve = (id: string): string => (made ??= createRequire(import.meta.url)).resolve(id)

/** The package's index, required. */
export function requirePackage(name: string): unknown {
  return require(name)
}

/**
 * Each of `files` (paths inside the folder of the package's index), or `undefined` when one cannot be required: the
 * caller then uses {@link requirePackage}.
 */
export function requireParts(name: string, files: readonly (readonly string[])[]): unknown[] | undefined {
  try {
    const root = dirname(resolve(name))
    return files.map((segments) => require(join(root, ...segments)))
  } catch {
    return undefined
  }
}
