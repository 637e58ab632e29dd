/**
 * `npm run build`: compiles src/ to dist/ with tsc, then bundles the zod module (see src/defs/zod.ts) so that
 * the package loads zod without its locales. The benchmarks build through here too, so they measure what
 * `npm pack` ships.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { build } from 'esbuild'
import { ROOT } from './paths.js'

const ZOD_MODULE = join(ROOT, 'dist/defs/zod.js')

export async function buildPackage(): Promise<void> {
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true })
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], {
    stdio: 'inherit',
  })
  await bundleZod()
}

/** Replaces dist/defs/zod.js (re-exports from zod/mini) with one module holding just those exports. */
async function bundleZod(): Promise<void> {
  const zod = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('zod/package.json'), 'utf8')) as { version: string }
  const result = await build({
    entryPoints: [ZOD_MODULE],
    outfile: ZOD_MODULE,
    allowOverwrite: true,
    bundle: true,
    format: 'esm',
    platform: 'neutral', // the core runs anywhere JavaScript runs
    target: 'es2022',
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'inline',
    banner: { js: `/*! zod ${zod.version}, MIT License, Copyright (c) 2025 Colin McDonnell. Only the exports named in src/defs/zod.ts (scripts/build.ts). */` },
    metafile: true,
    logLevel: 'warning',
  })
  const output = Object.values(result.metafile.outputs)[0]
  const kept = Object.entries(output?.inputs ?? {}).filter(([, use]) => use.bytesInOutput > 0)
  // The point of the bundle: a locale in it means a change in zod brought them back.
  const locales = kept.map(([input]) => input).filter((input) => input.includes('/locales/'))
  if (locales.length > 0) throw new Error(`the zod bundle includes locales: ${locales.join(', ')}`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildPackage().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
