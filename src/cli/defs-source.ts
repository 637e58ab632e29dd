/**
 * Where CLI commands take node definitions from: `--object-info FILE`, `--server URL`, or the core snapshot
 * shipped in the package.
 * @module
 */
import { resolve } from 'node:path'
import { BUNDLED_OBJECT_INFO, loadObjectInfoFile, loadObjectInfoFromServer, type LoadedDefs } from '../codegen/source.js'

export interface DefsFlags {
  readonly objectInfo?: string
  readonly server?: string
}

/** Loads the definitions a command was pointed at, relative to the command's working directory. */
export function loadDefsFor(flags: DefsFlags, cwd: string): Promise<LoadedDefs> {
  if (flags.server !== undefined) return loadObjectInfoFromServer(flags.server)
  return loadObjectInfoFile(flags.objectInfo === undefined ? BUNDLED_OBJECT_INFO : resolve(cwd, flags.objectInfo))
}
