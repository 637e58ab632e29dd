/**
 * The core in a browser: entry.ts (root, nodes, templates, defs) bundled by esbuild for the browser platform (a
 * `node:` import or a Node-only package fails the bundle), then run in headless Chromium (Debian's `chromium`,
 * installed by .ci/run) through playwright-core. The page builds a graph, validates it against the core
 * definitions, converts a UI workflow and writes a 64-bit seed exactly; the results are asserted here.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import { describe, expect, test } from 'vitest'

const CHROMIUM = '/usr/bin/chromium'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

describe('the core in headless Chromium', () => {
  test('builds, validates, converts and keeps a 64-bit seed exact', { timeout: 180_000 }, async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`).toBe(true)
    const bundle = await build({
      entryPoints: [join(import.meta.dirname, 'entry.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      logLevel: 'silent',
    })
    const script = bundle.outputFiles[0]?.text as string
    const ui = readFileSync(join(import.meta.dirname, '../fixtures/workflows/ui/comfyscript__default.ui.json'), 'utf8')
    const profile = mkdtempSync(join(tmpdir(), 'comfy-dsl-chromium-'))
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS })
    try {
      const page = context.pages()[0] ?? (await context.newPage())
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      await page.setContent('<!doctype html><title>comfy-dsl core</title>')
      await page.addScriptTag({ content: script })
      const text = await page.evaluate((workflow) => (globalThis as unknown as { runCore(t: string): string }).runCore(workflow), ui)
      expect(errors).toEqual([])
      const results = JSON.parse(text.replace(/("seedBack":)(\d+)/, '$1"$2"')) as Record<string, unknown>
      expect(results['userAgent']).toContain('Chrome')
      expect(results['hasProcess']).toBe(false)
      expect(results['json']).toContain('"seed":18446744073709551615')
      expect(results['seedBack']).toBe('18446744073709551615')
      expect(results).toMatchObject({
        accepted: true,
        outputs: ['6'],
        rejectedError: 'missing_node_type',
        templateAccepted: true,
        coreClasses: 792,
        svg: { root: 'svg', parseErrors: 0, links: 9, nodes: 7 },
      })
      expect(results['converted']).toMatchObject({ format: 'ui' })
      expect((results['converted'] as { classes: string[] }).classes).toContain('KSampler')
    } finally {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    }
  })
})
