/**
 * Where CLI commands take node definitions from: `--object-info FILE`, `--server URL`, or the core snapshot
 * shipped in the package.
 * @module
 */
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadObjectInfoFile, loadObjectInfoFromServer, type LoadedDefs } from '../codegen/source.js'

/** The core definitions shipped in the package (ComfyUI v0.26.0); the same relative path from src/ and dist/. */
export const BUNDLED_SNAPSHOT_PATH = fileURLToPath(new URL('../../snapshots/core_comfyui_v0.26.0.object_info.json', import.meta.url))

export interface DefsFlags {
  readonly objectInfo?: string
  readonly server?: string
}

/** Loads the definitions a command was pointed at, relative to the command's working directory. */
export function loadDefsFor(flags: DefsFlags, cwd: string): Promise<LoadedDefs> {
  if (flags.server !== undefined) return loadObjectInfoFromServer(flags.server)
  return loadObjectInfoFile(flags.objectInfo === undefined ? BUNDLED_SNAPSHOT_PATH : resolve(cwd, flags.objectInfo))
}
