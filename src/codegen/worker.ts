/**
 * Worker thread for the codegen CLI: loads ts-morph (about 0.25 s of compiling TypeScript's own code) while
 * the main thread reads, parses and lays out the files, then prints them.
 * @module
 */
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parentPort } from 'node:worker_threads'
import { install } from 'v8-compile-cache-lib'
import { printFiles, reviveKinds, type FileLayout } from './generate.js'

if (parentPort) {
  const port = parentPort
  // V8's code cache for the TypeScript compiler inside ts-morph (CommonJS) cuts its load time by about 40%
  // from the second run on; Node 22 has this built in (module.enableCompileCache). Only this thread is hooked.
  const cache = install({ cacheDir: join(tmpdir(), 'comfy-dsl-v8-cache') })
  const tsMorph = createRequire(import.meta.url)('ts-morph') as typeof import('ts-morph')
  cache?.uninstall()
  port.postMessage({ ready: true })
  port.on('message', (message: { layouts: FileLayout[] }) => {
    try {
      port.postMessage({ files: printFiles(reviveKinds(message.layouts, tsMorph.StructureKind), tsMorph) })
    } catch (error) {
      port.postMessage({ error: error instanceof Error ? error.message : String(error) })
    }
  })
}
