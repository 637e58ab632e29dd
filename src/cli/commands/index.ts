/**
 * The commands of the CLI, loaded on demand: a command module brings its own dependencies (sharp, undici,
 * ts-morph), so only the invoked one is imported; `--help` and unknown names load them all.
 */
import type { CliCommand } from '../io.js'

const loaders: Readonly<Record<string, () => Promise<CliCommand>>> = {
  codegen: async () => (await import('./codegen.js')).codegenCommand,
  check: async () => (await import('./check.js')).checkCommand,
  convert: async () => (await import('./convert.js')).convertCommand,
  import: async () => (await import('./import.js')).importCommand,
  schema: async () => (await import('./schema.js')).schemaCommand,
  run: async () => (await import('./run.js')).runCommand,
  edit: async () => (await import('./edit.js')).editCommand,
  enqueue: async () => (await import('./enqueue.js')).enqueueCommand,
  worker: async () => (await import('./worker.js')).workerCommand,
  'test-server': async () => (await import('./test-server.js')).testServerCommand,
}

/** Every command name, in the order `--help` lists them. */
export const COMMAND_NAMES: readonly string[] = Object.keys(loaders)

/** The named command alone when it exists, all of them otherwise. */
export async function loadCommands(name: string | undefined): Promise<CliCommand[]> {
  const loader = name === undefined ? undefined : loaders[name]
  if (loader !== undefined) return [await loader()]
  return Promise.all(Object.values(loaders).map((load) => load()))
}
