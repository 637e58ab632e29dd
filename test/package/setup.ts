/**
 * vitest global setup for the consumer suite: a folder for this run, shared by the test files of test/package/.
 * Nothing is packed or installed here (a run of other tests pays nothing): the first package test that needs the
 * installed package does it, once per run (see installed.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'comfy-dsl-package-'))
  project.provide('packageRunDir', dir)
  return () => rmSync(dir, { recursive: true, force: true })
}

declare module 'vitest' {
  export interface ProvidedContext {
    packageRunDir: string
  }
}
