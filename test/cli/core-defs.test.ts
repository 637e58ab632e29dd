/**
 * The CLI's file of the core definitions (src/cli/core-defs.ts) gives back exactly the definitions of the
 * generated module, class by class, and refuses a file that is not one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { encodeCoreDefsFile, readCoreDefsFile } from '../../src/cli/core-defs.js'
import { coreDefs, CORE_CLASSES, CORE_SNAPSHOT } from '../../src/defs/core/index.js'

const dir = mkdtempSync(join(tmpdir(), 'comfy-dsl-core-defs-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

test('every class read from the file equals the one decoded from the module, in the same order', () => {
  const path = join(dir, 'classes.data')
  writeFileSync(path, encodeCoreDefsFile(CORE_CLASSES, CORE_SNAPSHOT))
  const { defs, meta } = readCoreDefsFile(path)
  expect(meta).toEqual({ file: CORE_SNAPSHOT.file, comfyuiVersion: CORE_SNAPSHOT.comfyuiVersion, sha256: CORE_SNAPSHOT.sha256 })
  expect(defs.comfyuiVersion).toBe(coreDefs.comfyuiVersion)
  expect(defs.sha256).toBe(coreDefs.sha256)
  expect([...defs.classes.keys()]).toEqual([...coreDefs.classes.keys()])
  // One class first (read on its own), then all of them (a full read):
  expect(defs.classes.get('KSampler')).toEqual(coreDefs.classes.get('KSampler'))
  for (const [name, def] of coreDefs.classes) expect(defs.classes.get(name), name).toEqual(def)
  // A 64-bit bound survives as a bigint:
  const seed = defs.classes.get('KSampler')?.inputs.find((input) => input.name === 'seed')
  expect(seed !== undefined && 'max' in seed ? seed.max : undefined).toBe(18446744073709551615n)
})

test('a file that is not a core definitions file is refused with its path', () => {
  const path = join(dir, 'other.data')
  writeFileSync(path, '{"not": "a definitions file"}')
  expect(() => readCoreDefsFile(path)).toThrow(/other\.data: not a core definitions file/)
})
