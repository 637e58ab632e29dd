/**
 * The package's weight: browser bundles (esbuild, minified, gzip -9) of the core a web page uses (parse +
 * validate + convert + DSL + templates), of three factories alone, and of the core definitions; and the size of
 * `node_modules` after installing the packed tarball into an empty project (npm cache: offline when warm).
 * Run: `npm run bench -- package`.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { printTable, type Row } from './lib/stats.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const src = (path: string): string => JSON.stringify(join(root, 'src', path))
const work = mkdtempSync(join(tmpdir(), 'comfy-dsl-package-bench-'))

const bundles: { name: string; code: string; target?: string }[] = [
  {
    name: 'core: parse + validate + convert + DSL + templates',
    code: `export { parseObjectInfo, validate, loadWorkflow, toPrompt, toPromptJson, nodeFactory } from ${src('index.ts')}
export { img2imgDefault, inpaintMasked, controlnetCanny, fillTemplate } from ${src('templates/index.ts')}`,
    target: '<= 150 KB min, <= 45 KB gzip',
  },
  { name: 'three factories', code: `export { ksampler, clipTextEncode, saveImage } from ${src('nodes/index.ts')}`, target: '<= 10 KB' },
  { name: 'everything in comfy-dsl (root entry)', code: `export * from ${src('index.ts')}` },
  { name: 'comfy-dsl/defs (core definitions, data)', code: `export { coreDefs } from ${src('defs/core/index.ts')}` },
]

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`
const rows: Row[] = []
for (const bundle of bundles) {
  const entry = join(work, `${rows.length}.ts`)
  writeFileSync(entry, bundle.code)
  const result = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' })
  const bytes = result.outputFiles[0]?.contents as Uint8Array
  rows.push({
    measure: bundle.name,
    value: `${kb(bytes.length)} min`,
    ...(bundle.target === undefined ? {} : { target: bundle.target }),
    note: `${kb(gzipSync(bytes, { level: 9 }).length)} gzip`,
  })
}

// Install size: the tarball into an empty project, as `npm install comfy-dsl` would (ts-morph and sharp included).
execFileSync('npm', ['pack', '--pack-destination', work, '--silent', '--ignore-scripts'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
const tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')) as string)
const project = join(work, 'project')
execFileSync('mkdir', [project])
writeFileSync(join(project, 'package.json'), '{"name":"consumer","private":true,"type":"module"}')
execFileSync('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, stdio: ['ignore', 'ignore', 'inherit'] })
const du = (dir: string): number => {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    total += entry.isDirectory() ? du(path) : entry.isFile() ? statSync(path).size : 0
  }
  return total
}
const modules = join(project, 'node_modules')
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const biggest = readdirSync(modules)
  .flatMap((name) => (name.startsWith('@') ? readdirSync(join(modules, name)).map((sub) => `${name}/${sub}`) : [name]))
  .filter((name) => !name.startsWith('.'))
  .map((name) => [name, du(join(modules, name))] as const)
  .sort((a, b) => b[1] - a[1])
rows.push({ measure: 'npm install comfy-dsl: node_modules', value: mb(du(modules)), note: `tarball ${kb(statSync(tarball).size)}; largest: ${biggest.slice(0, 4).map(([n, s]) => `${n} ${mb(s)}`).join(', ')}` })
rmSync(work, { recursive: true, force: true })
printTable('package weight (esbuild --minify for the browser; gzip -9)', rows)
