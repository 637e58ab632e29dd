/** The packed tarball passes publint --strict and arethetypeswrong (ESM-only profile), and ships what the README names. */
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
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

  test('every package the shipped code imports is a dependency, or an optional peer it asks for by name', () => {
    const root = join(pkg.project, 'node_modules', 'comfy-dsl')
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
      peerDependencies?: Record<string, string>
      peerDependenciesMeta?: Record<string, { optional?: boolean }>
    }
    const files = (readdirSync(join(root, 'dist'), { recursive: true }) as string[]).filter((f) => f.endsWith('.js'))
    const imported = new Set<string>()
    for (const file of files) {
      const code = readFileSync(join(root, 'dist', file), 'utf8')
      // Static import/export statements and dynamic import() of a bare name (code that prints imports is text):
      const statements = code.matchAll(/^\s*(?:import|export)\s[^'"`;]*?from\s*['"]([^'"./][^'"]*)['"]/gm)
      const dynamic = code.matchAll(/\bimport\(\s*['"]([^'"./][^'"]*)['"]\s*\)/g)
      for (const m of [...statements, ...dynamic]) {
        const specifier = m[1] as string
        if (specifier.startsWith('node:') || specifier === 'comfy-dsl' || specifier.startsWith('comfy-dsl/')) continue
        imported.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] as string))
      }
    }
    expect(imported.size).toBeGreaterThan(5)
    const undeclared = [...imported].filter((name) => manifest.dependencies[name] === undefined && manifest.peerDependenciesMeta?.[name]?.optional !== true)
    expect(undeclared).toEqual([])
    // tsx loads `.ts` graph modules for run and convert; Node 20 cannot, and users who need it install it:
    expect(manifest.peerDependencies?.['tsx']).toBeDefined()
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
