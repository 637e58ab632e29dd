/**
 * Loads a graph module (`.ts`, `.mts`, `.js`, `.mjs`): its default export, called when it is a function. TypeScript
 * goes through tsx when Node cannot load it itself.
 * @module
 */
import { existsSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import type { GraphInput } from '../client/graph.js'
import { InvalidArgumentError } from '../errors.js'

/** True for the file names {@link loadModule} reads. */
export function isGraphModule(path: string): boolean {
  return /\.(ts|mts|js|mjs)$/i.test(path)
}

export async function loadModule(path: string): Promise<GraphInput> {
  if (!existsSync(path)) throw new InvalidArgumentError(`${path}: no such file`, { file: path })
  let module: { default?: unknown }
  try {
    module = (await import(pathToFileURL(path).href)) as { default?: unknown }
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error
    module = await importWithTsx(path)
  }
  let value = module.default
  if (typeof value === 'function') value = await (value as () => unknown)()
  if (value === undefined || value === null) {
    throw new InvalidArgumentError(`${path} has no default export (expected output nodes, or a function returning them)`, { file: path })
  }
  return value as GraphInput
}

async function importWithTsx(path: string): Promise<{ default?: unknown }> {
  let api: { tsImport: (specifier: string, parent: string) => Promise<unknown> }
  try {
    api = (await import('tsx/esm/api' as string)) as typeof api
  } catch {
    throw new InvalidArgumentError(`running ${path} needs tsx, an optional peer dependency of comfy-dsl: npm install tsx (or run the CLI through tsx)`, { file: path })
  }
  return (await api.tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown }
}

