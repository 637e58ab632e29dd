/**
 * Every TypeScript and shell example of the README, run against the installed package (and the installed test
 * server where an example talks to a server). Blocks are read from the README in the package; a block marked
 * `<!-- not run: reason -->` is skipped. Each example runs in a folder of its own holding the files the README
 * names (object_info.json, flow.json and its manifest flow.params.json, workflow.json, cat.png, photo.jpg,
 * mask.png); the server and Redis addresses the README uses are replaced by the test server's and by a Redis
 * started for the examples of the queue.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { installedPackage, REPO, sh, startInstalledTestServer, type InstalledPackage } from './installed.js'
import { readmeBlocks, type ReadmeBlock } from './readme.js'
import { startRedis, type TestRedis } from '../helpers/redis.js'

const README_SERVER = 'http://127.0.0.1:8188'
const README_REDIS = 'redis://127.0.0.1:6379'
const fixture = (...parts: string[]): string => join(REPO, 'test', 'fixtures', ...parts)

let pkg: InstalledPackage
let server: { url: string; close(): Promise<void> }
let redis: TestRedis
let blocks: (ReadmeBlock & { dir: string })[]
let typecheck: { code: number; stdout: string; stderr: string }

beforeAll(async () => {
  pkg = await installedPackage()
  server = await startInstalledTestServer(pkg)
  redis = await startRedis()
  const readme = readFileSync(join(pkg.project, 'node_modules', 'comfy-dsl', 'README.md'), 'utf8')
  const runnable = readmeBlocks(readme).filter((b) => b.notRun === undefined)
  blocks = runnable.map((block, i) => ({ ...block, dir: join(pkg.project, 'examples', `${String(i + 1).padStart(2, '0')}-${block.lang}`) }))
  // A black-and-white mask for photo.jpg (512 x 512), drawn by the installed package's own sharp (in a child
  // process: sharp's threads keep a test worker from exiting):
  const drawn = await sh(pkg, 'node', [
    '--input-type=module',
    '-e',
    "const { default: sharp } = await import('sharp'); const white = { create: { width: 200, height: 150, channels: 3, background: '#fff' } }; " +
      "process.stdout.write((await sharp({ create: { width: 512, height: 512, channels: 3, background: '#000' } }).composite([{ input: white, left: 150, top: 200 }]).png().toBuffer()).toString('base64'))",
  ])
  const mask = Buffer.from(drawn.stdout, 'base64')
  if (mask.length === 0) throw new Error(`drawing the mask failed: ${drawn.stderr}`)
  for (const block of blocks) {
    mkdirSync(block.dir, { recursive: true })
    copyFileSync(fixture('object_info', 'custom_nodes_autoflow_2026-02.object_info.json'), join(block.dir, 'object_info.json'))
    copyFileSync(join(pkg.project, 'node_modules', 'comfy-dsl', 'workflows', 'img2img_default.json'), join(block.dir, 'flow.json'))
    copyFileSync(join(pkg.project, 'node_modules', 'comfy-dsl', 'workflows', 'img2img_default.params.json'), join(block.dir, 'flow.params.json'))
    copyFileSync(fixture('workflows', 'ui', 'comfyscript__default.ui.json'), join(block.dir, 'workflow.json'))
    copyFileSync(fixture('server-captures', 'test_input.png'), join(block.dir, 'cat.png'))
    copyFileSync(fixture('images', 'comfy-ts__dog_512x512.jpg'), join(block.dir, 'photo.jpg'))
    writeFileSync(join(block.dir, 'mask.png'), mask)
    const code = block.code.replaceAll(README_SERVER, server.url).replaceAll(README_REDIS, redis.url)
    writeFileSync(join(block.dir, block.lang === 'ts' ? 'example.ts' : 'example.sh'), code)
  }
  // One strict type check of every TypeScript example against the installed package's declarations:
  writeFileSync(
    join(pkg.project, 'tsconfig.examples.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
      include: ['examples/**/*.ts'],
    }),
  )
  typecheck = await sh(pkg, 'tsc', ['-p', 'tsconfig.examples.json'])
}, 900_000)

afterAll(async () => {
  await server?.close()
  await redis?.stop()
})

describe('the README, from the installed package', () => {
  test('has runnable TypeScript and shell examples, and says why the others do not run', () => {
    const all = readmeBlocks(readFileSync(join(REPO, 'README.md'), 'utf8'))
    expect(blocks.filter((b) => b.lang === 'ts').length).toBeGreaterThanOrEqual(6)
    expect(blocks.filter((b) => b.lang === 'sh').length).toBeGreaterThanOrEqual(3)
    for (const block of all.filter((b) => b.notRun !== undefined)) expect(block.notRun?.length).toBeGreaterThan(10)
  })

  test('its TypeScript examples type-check under strict settings', () => {
    expect(typecheck.stdout + typecheck.stderr).toBe('')
    expect(typecheck.code).toBe(0)
  })

  test('every example runs', { timeout: 600_000 }, async () => {
    const failures: string[] = []
    for (const block of blocks) {
      const result =
        block.lang === 'ts'
          ? await sh(pkg, 'tsx', ['example.ts'], { cwd: block.dir })
          : await sh(pkg, 'bash', ['-euo', 'pipefail', 'example.sh'], { cwd: block.dir })
      if (result.code !== 0 || /internal error|Error \[ERR_/.test(result.stderr)) {
        failures.push(`README line ${block.line} (${block.section}, ${block.lang}) exited ${result.code}:\n${result.stderr}${result.stdout}`)
      }
    }
    expect(failures.join('\n\n')).toBe('')
  })
})
