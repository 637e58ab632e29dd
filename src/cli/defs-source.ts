/**
 * Where CLI commands take node definitions from: `--object-info FILE`, `--server URL`, or the core snapshot
 * shipped in the package.
 * @module
 */
import { resolve } from 'node:path'
import {
  BUNDLED_OBJECT_INFO,
  loadObjectInfoFile,
  loadObjectInfoFromServer,
  type LoadedDefs,
  type LoadOptions,
} from '../codegen/source.js'
import type { CliIo } from './io.js'

export interface DefsFlags {
  readonly objectInfo?: string | undefined
  readonly server?: string | undefined
}

/**
 * Loads the definitions a command was pointed at (a file relative to the working directory, a server, or the
 * bundled snapshot). Classes left out with `onError: 'skip'` are reported on stderr.
 */
export async function loadDefsFor(flags: DefsFlags, io: CliIo, options: LoadOptions = {}): Promise<LoadedDefs> {
  const loaded =
    flags.server !== undefined
      ? await loadObjectInfoFromServer(flags.server, options)
      : await loadObjectInfoFile(flags.objectInfo === undefined ? BUNDLED_OBJECT_INFO : resolve(io.cwd, flags.objectInfo), options)
  for (const problem of loaded.problems) io.stderr.write(`warning: skipped a malformed definition: ${problem.message}\n`)
  return loaded
}
