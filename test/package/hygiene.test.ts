/** The packed tarball passes publint --strict and arethetypeswrong (ESM-only profile), and ships what the README names. */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, test } from 'vitest'
import { installedPackage, REPO, type InstalledPackage } from './installed.js'

const run = promisify(execFile)
const bin = (name: string): string => join(REPO, 'node_modules', '.bin', name)
let pkg: InstalledPackage

beforeAll(async () => {
  pkg = await installedPackage()
}, 900_000)

describe('the packed tarball', () => {
  test('publint --strict finds nothing', { timeout: 120_000 }, async () => {
    const { stdout } = await run(bin('publint'), ['run', pkg.tarball, '--strict'])
    expect(stdout).toContain('All good!')
  })

  test('arethetypeswrong (ESM-only profile) finds no problem', { timeout: 120_000 }, async () => {
    // Exits non-zero on any problem; CommonJS resolutions are out of scope for an ESM-only package.
    await expect(run(bin('attw'), [pkg.tarball, '--profile', 'esm-only', '--format', 'json'])).resolves.toBeDefined()
  })

  test('ships LICENSE, workflows, manifests, the JSON Schema and the bundled snapshot', () => {
    const root = join(pkg.project, 'node_modules', 'comfy-dsl')
    for (const file of [
      'LICENSE',
      'README.md',
      'workflows/img2img_default.json',
      'workflows/img2img_default.params.json',
      'schemas/comfyui-prompt.schema.json',
      'snapshots/core_comfyui_v0.26.0.object_info.json',
      'dist/defs/core/index.js',
    ]) {
      expect(existsSync(join(root, file)), file).toBe(true)
    }
  })
})
