/**
 * Runs codegen printing in a worker so that loading ts-morph overlaps with parsing the object_info and laying
 * out the files (2 cores or more).
 * Falls back to generating in-process when a worker cannot start (e.g. inside a test runner).
 * @module
 */
import { Worker } from 'node:worker_threads'
import type { DefSet } from '../defs/model.js'
import { KIND_NAMES, layoutFiles, printFiles, reviveKinds, type GeneratedFile, type GenerateOptions } from './generate.js'

export interface CodegenRunner {
  generate(defs: DefSet, options?: GenerateOptions): Promise<GeneratedFile[]>
  close(): Promise<void>
}

/** Starts loading the generator now; call `generate` once the definitions are parsed. */
export function startCodegen(): CodegenRunner {
  let worker: Worker | undefined
  let ready: Promise<boolean>
  try {
    const url = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url)
    const started = new Worker(url)
    worker = started
    ready = new Promise<boolean>((resolve) => {
      started.once('message', () => resolve(true))
      started.once('error', () => resolve(false))
      started.once('exit', () => resolve(false))
    })
  } catch {
    ready = Promise.resolve(false)
  }
  return {
    async generate(defs, options = {}) {
      // Planning and structures need no ts-morph: done here while the worker may still be loading it.
      const layouts = layoutFiles(defs, options, KIND_NAMES)
      if (!worker || !(await ready)) {
        // No worker: print here, from the same layout.
        const tsMorph = await import('ts-morph')
        return printFiles(reviveKinds(layouts, tsMorph.StructureKind), tsMorph)
      }
      const active = worker
      return new Promise<GeneratedFile[]>((resolve, reject) => {
        active.once('message', (reply: { files?: GeneratedFile[]; error?: string }) => {
          if (reply.files) resolve(reply.files)
          else reject(new Error(`codegen worker failed: ${reply.error ?? 'unknown error'}`))
        })
        active.once('error', reject)
        active.postMessage({ layouts })
      })
    },
    async close() {
      await worker?.terminate()
    },
  }
}
