/**
 * Worker thread for the codegen CLI: loads ts-morph (about 0.3 s of compiling TypeScript's own code) while
 * the main thread reads and parses the object_info, then generates the files there.
 * @module
 */
import { parentPort } from 'node:worker_threads'
import type { DefSet } from '../defs/model.js'
import { generateNodeFiles, type GenerateOptions } from './generate.js'

if (parentPort) {
  const port = parentPort
  await import('ts-morph')
  port.postMessage({ ready: true })
  port.on('message', (message: { defs: DefSet; options: GenerateOptions }) => {
    generateNodeFiles(message.defs, message.options).then(
      (files) => port.postMessage({ files }),
      (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) }),
    )
  })
}
