/**
 * Where CLI commands take node definitions from: `--object-info FILE`, `--server URL`, or the core definitions
 * shipped in the package (pre-normalized: nothing is parsed or validated for them).
 * @module
 */
import { resolve } from 'node:path'
import { Option } from 'commander'
import type { LoadedDefs, LoadOptions } from '../codegen/source.js'
import type { CliIo } from './io.js'
import type { Report } from './output.js'

export interface DefsFlags {
  readonly objectInfo?: string | undefined
  readonly server?: string | undefined
}

/**
 * `--object-info FILE`, given instead of `--server` (the definitions' other source, {@link definitionsServerOption});
 * `what` says what the definitions are for.
 */
export function objectInfoOption(what = 'node definitions'): Option {
  return new Option('--object-info <file>', `${what} (default: the bundled ComfyUI v0.26.0 core)`).conflicts('server')
}

/** `--server URL` as the source of the node definitions. */
export function definitionsServerOption(): Option {
  return new Option('--server <url>', 'read the node definitions from a running ComfyUI server')
}

/** Definitions and where they came from; `bundled` when they are the package's core snapshot. */
export interface CommandDefs extends LoadedDefs {
  readonly bundled: boolean
}

/**
 * Loads the definitions a command was pointed at (a file relative to the working directory, a server, or the
 * bundled snapshot). Classes left out with `onError: 'skip'` are reported on stderr, naming the source.
 */
export async function loadDefsFor(flags: DefsFlags, io: CliIo, options: LoadOptions = {}, report?: Report): Promise<CommandDefs> {
  if (flags.server === undefined && flags.objectInfo === undefined) {
    // The few classes a command touches, read from the file the build writes (./core-defs.ts):
    const { loadCoreDefs } = await import('./core-defs.js')
    const { defs, meta } = await loadCoreDefs()
    return { defs, problems: [], source: meta.file, bundled: true }
  }
  // The request goes out first (its module loads only node:http), and the server answers while the parser loads:
  const server = flags.server
  const fetching =
    server === undefined ? undefined : import('../codegen/fetch-object-info.js').then((m) => m.fetchObjectInfo(server, options.comfyuiVersion))
  fetching?.catch(() => undefined) // awaited below
  // Reading object_info is loaded only by commands that were given a file or a server:
  const source = await import('../codegen/source.js')
  // The cache settings come from the command's environment (COMFY_DSL_CACHE, COMFY_DSL_CACHE_DIR):
  const withCache = { ...options, cache: options.cache ?? source.defsCacheDir(io.env) ?? false }
  const loaded =
    fetching !== undefined
      ? await source.loadFetchedObjectInfo(await fetching, withCache)
      : await source.loadObjectInfoFile(resolve(io.cwd, flags.objectInfo as string), withCache)
  for (const problem of loaded.problems) {
    const message = `${flags.objectInfo ?? loaded.source}: skipped a malformed definition: ${problem.message}`
    if (report === undefined) io.stderr.write(`warning: ${message}\n`)
    else report.warn(message, flags.objectInfo)
  }
  return { ...loaded, bundled: false }
}
