/** Paths and loaders for the copied fixtures in test/fixtures (see test/fixtures/PROVENANCE.md). */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseObjectInfo } from '../../src/defs/load.js'
import type { DefSet } from '../../src/defs/model.js'

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures')

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES, ...parts)
}

export function readFixture(...parts: string[]): string {
  return readFileSync(fixturePath(...parts), 'utf8')
}

export const OBJECT_INFO_FILES = {
  core026: 'core_comfyui_v0.26.0.object_info.json',
  core022: 'core_comfyui_v0.22.0.object_info.json',
  core080: 'core_comfyui_v0.8.0_cpu.object_info.json',
  custom: 'custom_nodes_autoflow_2026-02.object_info.json',
  v3subset: 'v3_widgets_subset_comfy-ts.object_info.json',
} as const

const cache = new Map<string, DefSet>()

/** Loads (once per test file) one of the fixture object_info snapshots. */
export function loadDefs(name: keyof typeof OBJECT_INFO_FILES): DefSet {
  let defs = cache.get(name)
  if (!defs) {
    defs = parseObjectInfo(readFixture('object_info', OBJECT_INFO_FILES[name])).defs
    cache.set(name, defs)
  }
  return defs
}
