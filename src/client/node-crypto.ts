/**
 * `node:crypto`, loaded on first use. Importing it loads some twenty internal modules (~10 ms of CPU, most of
 * what was left of `import 'comfy-dsl/client'` and of the CLI's `check` once the package was bundled), and an
 * import of the client or a `check` run often hashes nothing and names no temporary file.
 * @module
 */
import { createRequire } from 'node:module'

let loaded: typeof import('node:crypto') | undefined

export function nodeCrypto(): typeof import('node:crypto') {
  loaded ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')
  return loaded
}
