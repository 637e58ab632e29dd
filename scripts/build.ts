/**
 * `npm run build`: compiles src/ to dist/ with tsc, then
 * - replaces each vendored module (a src file that only re-exports a few names from a dependency) with a
 *   bundle of just those names: zod's entries re-export all its locales and lossless-json's spreads one
 *   function over ten modules, so, imported as published, they were most of the start-up of `import 'comfy-dsl'`;
 * - writes the CLI's file of the core definitions (src/cli/core-defs.ts);
 * - bundles the modules into one file per entry and a few shared chunks (scripts/bundle-entries.ts).
 * The benchmarks build through here too, so they measure what `npm pack` ships.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { encodeCoreDefsFile } from '../src/cli/core-defs.js'
import { bundleEntries } from './bundle-entries.js'
import { ROOT } from './paths.js'

interface Vendored {
  /** The compiled re-exporting module, replaced by the bundle. */
  readonly module: string
  readonly dependency: string
  /** Paths inside the dependency that must not end up in the bundle (the reason it is bundled). */
  readonly excluded?: RegExp
}

const VENDORED: readonly Vendored[] = [
  { module: 'dist/defs/zod.js', dependency: 'zod', excluded: /\/locales\// },
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
}

/** The CLI's file of the core definitions (src/cli/core-defs.ts), from the compiled generated module. */
async function writeCoreDefsFile(): Promise<void> {
  const snapshot = (await import(pathToFileURL(join(ROOT, 'dist/defs/core/snapshot.js')).href)) as typeof import('../src/defs/core/snapshot.js')
  writeFileSync(join(ROOT, 'dist/defs/core/classes.data'), encodeCoreDefsFile(snapshot.CORE_CLASSES, snapshot.CORE_SNAPSHOT))
}

async function bundle({ module, dependency, excluded }: Vendored): Promise<void> {
  const folder = join(ROOT, 'node_modules', dependency)
  const { version, license } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string; license: string }
  const licenseFile = ['LICENSE', 'LICENSE.md'].map((name) => join(folder, name)).find((file) => existsSync(file))
  const copyright = licenseFile === undefined ? '' : (/^Copyright .*$/m.exec(readFileSync(licenseFile, 'utf8'))?.[0] ?? '')
  const file = join(ROOT, module)
  const result = await build({
    absWorkingDir: ROOT, // metafile paths relative to the repository
    entryPoints: [file],
    outfile: file,
    allowOverwrite: true,
    bundle: true,
    format: 'esm',
    platform: 'neutral', // the core runs anywhere JavaScript runs
    target: 'es2022',
    minifySyntax: true,
    minifyWhitespace: true,
    banner: { js: `/*! ${dependency} ${version}, ${license} License, ${copyright}. Only the exports this package uses (scripts/build.ts). */` },
    metafile: true,
    logLevel: 'warning',
  })
  const kept = Object.entries(Object.values(result.metafile.outputs)[0]?.inputs ?? {})
    .filter(([, use]) => use.bytesInOutput > 0)
    .map(([input]) => input)
  const strays = kept.filter((input) => !input.startsWith(`node_modules/${dependency}/`) && input !== module)
  if (strays.length > 0) throw new Error(`${module}: the bundle of ${dependency} took in other modules: ${strays.join(', ')}`)
  const unwanted = excluded === undefined ? [] : kept.filter((input) => excluded.test(input))
  if (unwanted.length > 0) throw new Error(`${module}: the bundle of ${dependency} includes ${unwanted.join(', ')}`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildPackage().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
