/** The cache of validated object_info (src/codegen/defs-cache.ts): hits give the same definitions; bad entries are ignored. */
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { checkCommand } from '../../src/cli/commands/check.js'
import { codegenCommand } from '../../src/cli/commands/codegen.js'
import { defsCacheDir, normalizerFingerprint } from '../../src/codegen/defs-cache.js'
import { loadObjectInfoFile, sha256 } from '../../src/codegen/source.js'
import type { DefSet } from '../../src/defs/model.js'
import { runCommand } from '../helpers/cli.js'
import { fixturePath, OBJECT_INFO_FILES } from '../helpers/fixtures.js'

const dir = mkdtempSync(join(tmpdir(), 'comfy-defs-cache-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function plain(defs: DefSet): unknown {
  return { classes: [...defs.classes], infoFields: [...(defs.infoFields ?? [])].sort(), sha256: defs.sha256, comfyuiVersion: defs.comfyuiVersion }
}

function entryFile(cache: string, file: string): string {
  return join(cache, `${sha256(readFileSync(file, 'utf8')).slice(0, 32)}-${normalizerFingerprint()}.json`)
}

/** Rewrites an entry's body and (unless `keepChecksum`) its checksum line. */
function rewriteEntry(path: string, edit: (body: string) => string, keepChecksum = false): void {
  const text = readFileSync(path, 'utf8')
  const body = edit(text.slice(65))
  const checksum = keepChecksum ? text.slice(0, 64) : createHash('sha256').update(body).digest('hex')
  writeFileSync(path, `${checksum}\n${body}`)
}

describe('cached object_info definitions', () => {
  test.each(['core026', 'custom'] as const)('a hit gives what parsing gives (%s)', async (name) => {
    const cache = join(dir, `same-${name}`)
    const file = fixturePath('object_info', OBJECT_INFO_FILES[name])
    const fresh = await loadObjectInfoFile(file, { cache: false })
    const first = await loadObjectInfoFile(file, { cache })
    expect(existsSync(entryFile(cache, file))).toBe(true)
    const second = await loadObjectInfoFile(file, { cache })
    expect(plain(first.defs)).toEqual(plain(fresh.defs))
    expect(plain(second.defs)).toEqual(plain(fresh.defs))
    expect(second.problems).toEqual([])
  })

  test('the entry is what later runs read; a corrupted or foreign entry is ignored and rewritten', async () => {
    const cache = join(dir, 'corrupt')
    const file = join(dir, 'core_v0.26.0.json')
    copyFileSync(fixturePath('object_info', OBJECT_INFO_FILES.core026), file)
    await loadObjectInfoFile(file, { cache })
    const entry = entryFile(cache, file)
    // A consistent edit is read back, which shows the entry is used:
    rewriteEntry(entry, (body) => body.replace('"displayName":"KSampler"', '"displayName":"From the cache"'))
    expect((await loadObjectInfoFile(file, { cache })).defs.classes.get('KSampler')?.displayName).toBe('From the cache')
    // A body that no longer matches its checksum is ignored:
    rewriteEntry(entry, (body) => body.replace('"displayName":"From the cache"', '"displayName":"Flipped bits"'), true)
    const afterCorruption = await loadObjectInfoFile(file, { cache })
    expect(afterCorruption.defs.classes.get('KSampler')?.displayName).toBe('KSampler')
    expect(afterCorruption.defs.comfyuiVersion).toBe('0.26.0')
    // ...and rewritten with the right definitions:
    expect(readFileSync(entry, 'utf8')).toContain('"displayName":"KSampler"')
    // Truncated, or written by another normalizer: ignored too.
    writeFileSync(entry, readFileSync(entry, 'utf8').slice(0, 5000))
    expect((await loadObjectInfoFile(file, { cache })).defs.classes.get('KSampler')?.displayName).toBe('KSampler')
    rewriteEntry(entry, (body) => body.replace(/"fingerprint":"[0-9a-f]+"/, '"fingerprint":"0000"').replace('"displayName":"KSampler"', '"displayName":"Old"'))
    expect((await loadObjectInfoFile(file, { cache })).defs.classes.get('KSampler')?.displayName).toBe('KSampler')
    rewriteEntry(entry, (body) => body.replace('\n"KSampler"\n', '\n1\n'))
    expect((await loadObjectInfoFile(file, { cache })).defs.classes.get('KSampler')?.displayName).toBe('KSampler')
  })

  test('definitions with malformed classes are not cached, so every run reports them', async () => {
    const cache = join(dir, 'broken')
    const file = join(dir, 'broken.json')
    writeFileSync(file, JSON.stringify({ Good: { input: {}, output: ['IMAGE'] }, Bad: { input: { required: { a: 'INT' } }, output: [] } }))
    for (let run = 0; run < 2; run++) {
      const loaded = await loadObjectInfoFile(file, { cache, onError: 'skip' })
      expect(loaded.problems.map((p) => p.classType)).toEqual(['Bad'])
    }
    expect(existsSync(cache) ? readdirSync(cache) : []).toEqual([])
  })

  test('the sha256 of a file is of its text as decoded (the bytes when they are UTF-8, the decoded text when not)', async () => {
    const file = join(dir, 'latin1.json')
    const [before, after] = ['{"Good": {"input": {"required": {"a": ["INT", {"tooltip": "caf', '"}]}}, "output": ["IMAGE"]}}']
    // A Latin-1 é: not UTF-8, decoded as U+FFFD:
    writeFileSync(file, Buffer.concat([Buffer.from(before), Buffer.from([0xe9]), Buffer.from(after)]))
    const invalid = await loadObjectInfoFile(file, { cache: false })
    expect(invalid.defs.sha256).toBe(sha256(readFileSync(file, 'utf8')))
    expect(invalid.defs.sha256).not.toBe(createHash('sha256').update(readFileSync(file)).digest('hex'))
    writeFileSync(file, `${before}é ✓${after}`)
    const valid = await loadObjectInfoFile(file, { cache: false })
    expect(valid.defs.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'))
  })

  test('off with cache: false or COMFY_DSL_CACHE=off; COMFY_DSL_CACHE_DIR moves it', () => {
    expect(defsCacheDir({}, false)).toBeUndefined()
    expect(defsCacheDir({ COMFY_DSL_CACHE: 'off' })).toBeUndefined()
    expect(defsCacheDir({ COMFY_DSL_CACHE: '0', COMFY_DSL_CACHE_DIR: '/x' })).toBeUndefined()
    expect(defsCacheDir({ COMFY_DSL_CACHE_DIR: '/x' })).toBe('/x')
    expect(defsCacheDir({})).toMatch(/comfy-dsl[\\/]+object-info$/)
  })

  test('codegen and check --object-info use it; --no-cache does not', async () => {
    const cache = join(dir, 'cli')
    const file = fixturePath('codegen', 'mini.object_info.json')
    const env = { COMFY_DSL_CACHE_DIR: cache }
    const prompt = join(dir, 'empty-prompt.json')
    writeFileSync(prompt, '{}')
    await runCommand(['check', '--object-info', file, '--no-cache', prompt], { only: [checkCommand], env })
    await runCommand(['codegen', '--object-info', file, '--out', join(dir, 'nocache'), '--no-cache'], { only: [codegenCommand], env })
    expect(existsSync(entryFile(cache, file))).toBe(false)
    await runCommand(['check', '--object-info', file, prompt], { only: [checkCommand], env })
    expect(existsSync(entryFile(cache, file))).toBe(true)
    rmSync(cache, { recursive: true })
    const generated = await runCommand(['codegen', '--object-info', file, '--out', join(dir, 'cached')], { only: [codegenCommand], env })
    expect(generated.code).toBe(0)
    expect(existsSync(entryFile(cache, file))).toBe(true)
    // From the cache, the same files:
    const again = await runCommand(['codegen', '--object-info', file, '--out', join(dir, 'nocache'), '--check'], { only: [codegenCommand], env })
    expect(again.code).toBe(0)
  })
})
