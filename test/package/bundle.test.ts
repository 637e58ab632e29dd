/**
 * The installed package is bundled (scripts/bundle-entries.ts: one file per entry plus shared chunks). These are
 * the properties a bundle could lose: one identity per class across entries (an error thrown by
 * `comfy-dsl/client` is an instance of the classes `comfy-dsl` exports), the classes' own names (errors name
 * themselves after their class), and stack traces that map back to src/ under `--enable-source-maps`.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { installedPackage, sh, type InstalledPackage } from './installed.js'

let pkg: InstalledPackage

// Runs in the consumer project; prints one JSON line of facts.
const PROBE = `
import * as root from 'comfy-dsl'
import { ComfyClient } from 'comfy-dsl/client'
import * as workflow from 'comfy-dsl/workflow'
let thrown
try { new ComfyClient({ url: 'ftp://example.invalid' }) } catch (error) { thrown = error }
const shared = Object.keys(workflow).filter((name) => name in root)
const misnamed = Object.entries(root).filter(([name, value]) => typeof value === 'function' && /^[A-Z]/.test(name) && value.name !== name).map(([name]) => name)
process.stdout.write(JSON.stringify({
  thrownName: thrown?.name,
  isComfyError: thrown instanceof root.ComfyError,
  isInvalidArgument: thrown instanceof root.InvalidArgumentError,
  shared: shared.length,
  sameAcrossEntries: shared.every((name) => workflow[name] === root[name]),
  misnamed,
  stack: String(thrown?.stack),
}))
`

beforeAll(async () => {
  pkg = await installedPackage()
  writeFileSync(join(pkg.project, 'bundle-probe.mjs'), PROBE)
}, 900_000)

describe('the bundled entries of the installed package', () => {
  test('one class identity across entries, classes keep their names', { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await sh(pkg, process.execPath, ['bundle-probe.mjs'])
    expect(code, stderr).toBe(0)
    const facts = JSON.parse(stdout) as Record<string, unknown>
    expect(facts).toMatchObject({ thrownName: 'InvalidArgumentError', isComfyError: true, isInvalidArgument: true, sameAcrossEntries: true, misnamed: [] })
    expect(facts['shared']).toBeGreaterThan(0)
  })

  test('stack traces map back to src/ with --enable-source-maps', { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await sh(pkg, process.execPath, ['--enable-source-maps', 'bundle-probe.mjs'])
    expect(code, stderr).toBe(0)
    const { stack } = JSON.parse(stdout) as { stack: string }
    expect(stack).toMatch(/src\/client\/endpoint\.ts:\d+:\d+/)
  })
})
