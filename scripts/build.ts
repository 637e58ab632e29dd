/**
 * `npm run build`: compiles src/ to dist/ with tsc, then
 * - replaces each vendored module (a src file that only re-exports a few names from a dependency) with a
 *   bundle of just those names: zod's entries re-export all its locales and lossless-json's spreads one
 *   function over ten modules, so, imported as published, they were most of the start-up of `import 'comfy-dsl'`;
 * - writes the CLI's file of the core definitions (src/cli/core-defs.ts);
 * - bundles the modules into one file per entry and a few shared chunks (scripts/bundle-entries.ts);
 * - merges the generated factories' declarations into their entry's file (scripts/bundle-node-declarations.ts).
 * The benchmarks build through here too, so they measure what `npm pack` ships.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build, type BuildOptions } from 'esbuild'
import { encodeCoreDefsFile } from '../src/cli/core-defs.js'
import { bundleEntries } from './bundle-entries.js'
import { bundleNodeDeclarations } from './bundle-node-declarations.js'
import { ROOT } from './paths.js'

interface Vendored {
  /** The compiled re-exporting module, replaced by the bundle. */
  readonly module: string
  readonly dependency: string
  /** Paths inside the dependency that must not end up in the bundle (the reason it is bundled). */
  readonly excluded?: RegExp
  /**
   * The dependency's code runs on the first call of one of its exports, not at import: every export must be a
   * function, and the importing module must call none at its top level.
   */
  readonly lazy?: true
}

const VENDORED: readonly Vendored[] = [
  // zod builds its classes at import (~6 ms, a fifth of the root's bytes); only the JSON Schema export calls it:
  { module: 'dist/defs/zod.js', dependency: 'zod', excluded: /\/locales\//, lazy: true },
  { module: 'dist/json/lossless-json.js', dependency: 'lossless-json' },
]

export async function buildPackage(): Promise<void> {
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true })
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], {
    stdio: 'inherit',
  })
  for (const vendored of VENDORED) await bundle(vendored)
  await writeCoreDefsFile()
  await bundleEntries()
  bundleNodeDeclarations()
}

/** The CLI's file of the core definitions (src/cli/core-defs.ts), from the compiled generated module. */
async function writeCoreDefsFile(): Promise<void> {
  const snapshot = (await import(pathToFileURL(join(ROOT, 'dist/defs/core/snapshot.js')).href)) as typeof import('../src/defs/core/snapshot.js')
  writeFileSync(join(ROOT, 'dist/defs/core/classes.data'), encodeCoreDefsFile(snapshot.CORE_CLASSES, snapshot.CORE_SNAPSHOT))
}

async function bundle({ module, dependency, excluded, lazy }: Vendored): Promise<void> {
  const folder = join(ROOT, 'node_modules', dependency)
  const { version, license } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string; license: string }
  const licenseFile = ['LICENSE', 'LICENSE.md'].map((name) => join(folder, name)).find((file) => existsSync(file))
  const copyright = licenseFile === undefined ? '' : (/^Copyright .*$/m.exec(readFileSync(licenseFile, 'utf8'))?.[0] ?? '')
  const file = join(ROOT, module)
  const banner = `/*! ${dependency} ${version}, ${license} License, ${copyright}. Only the exports this package uses (scripts/build.ts). */`
  const options = {
    absWorkingDir: ROOT, // metafile paths relative to the repository
    entryPoints: [file],
    outfile: file,
    allowOverwrite: true,
    bundle: true,
    platform: 'neutral', // the core runs anywhere JavaScript runs
    target: 'es2022',
    minifySyntax: true,
    minifyWhitespace: true,
    metafile: true,
    logLevel: 'warning',
  } satisfies BuildOptions
  const result = await build({ ...options, format: 'esm', banner: { js: banner }, write: lazy !== true })
  const output = Object.values(result.metafile?.outputs ?? {})[0]
  const kept = Object.entries(output?.inputs ?? {})
    .filter(([, use]) => use.bytesInOutput > 0)
    .map(([input]) => input)
  const strays = kept.filter((input) => !input.startsWith(`node_modules/${dependency}/`) && input !== module)
  if (strays.length > 0) throw new Error(`${module}: the bundle of ${dependency} took in other modules: ${strays.join(', ')}`)
  const unwanted = excluded === undefined ? [] : kept.filter((input) => excluded.test(input))
  if (unwanted.length > 0) throw new Error(`${module}: the bundle of ${dependency} includes ${unwanted.join(', ')}`)
  if (lazy === true) await writeLazyModule(file, banner, output?.exports ?? [], (await build({ ...options, format: 'cjs', write: false })).outputFiles?.[0]?.text ?? '')
}

/**
 * A module whose exports call into `commonJs` (the dependency bundled as CommonJS), which runs on the first call:
 * importing it costs a parse of a function that has not run. Checks that every export is a function.
 */
async function writeLazyModule(file: string, banner: string, names: readonly string[], commonJs: string): Promise<void> {
  const body = `function load(module, exports) {\n${commonJs}\n}`
  const probe = new Function(`${body}\nconst module = { exports: {} }; load(module, module.exports); return module.exports`)() as Record<string, unknown>
  const notFunctions = names.filter((name) => typeof probe[name] !== 'function')
  if (notFunctions.length > 0 || names.length === 0) throw new Error(`${file}: cannot load lazily, not functions: ${notFunctions.join(', ')}`)
  const wrappers = names.map((name) => `export const ${name} = (...args) => loaded().${name}(...args)`)
  writeFileSync(
    file,
    [banner, body, 'let cache', 'function loaded() {', '  if (cache === undefined) {', '    const module = { exports: {} }', '    load(module, module.exports)', '    cache = module.exports', '  }', '  return cache', '}', ...wrappers, ''].join('\n'),
  )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildPackage().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
