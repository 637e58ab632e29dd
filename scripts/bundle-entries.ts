/**
 * The last step of `npm run build`: the compiled modules of dist/ (tsc's output, one file per source file) become
 * one file per public entry plus shared chunks (rolldown), and the per-module files go.
 *
 * Why: Node's ES module loader pays per file (resolve, read, compile, link), and that, not the code, was most of
 * `import 'comfy-dsl'` (67 files). The chunks are chosen, not left to the bundler's default (a chunk per set of
 * entries that share a module, which made 28 files for the root): the root's modules that the client also uses
 * are one chunk, the rest of the root one more, the rest of the client one more; the root loads 3 files and the
 * client 2 plus the chunks of what it shares with other Node entries.
 *
 * Every module is in exactly one chunk, so a class has one identity across entries (`instanceof` of an error
 * thrown by `comfy-dsl/client` against the class imported from `comfy-dsl` holds). Source maps chain to src/
 * (`node --enable-source-maps`).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { rolldown, type Plugin } from 'rolldown'
import { ROOT } from './paths.js'

const DIST = join(ROOT, 'dist')

/** The compiled file of each public entry (package.json `exports`) and the CLI's, as rolldown input names. */
function entryPoints(): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string | { default: string }> }
  const files = Object.values(manifest.exports)
    .map((target) => (typeof target === 'string' ? target : target.default))
    .filter((target) => target.startsWith('./dist/') && target.endsWith('.js'))
  files.push('./dist/cli/main.js')
  return Object.fromEntries(files.map((file) => [file.slice('./dist/'.length, -'.js'.length), resolve(ROOT, file)]))
}

/** tsc's source map of each compiled module, so that the bundle's maps point at src/ (the vendored bundles have none). */
const inputSourceMaps: Plugin = {
  name: 'input-source-maps',
  load(id) {
    if (!id.startsWith(DIST + sep) || !id.endsWith('.js')) return null
    const code = readFileSync(id, 'utf8')
    const map = `${id}.map`
    if (!code.includes('//# sourceMappingURL=') || !existsSync(map)) return { code }
    return { code: code.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n'), map: readFileSync(map, 'utf8') }
  },
}

/** Every module `entry` loads through static imports (what importing it costs), itself included. */
function staticClosure(entry: string, info: (id: string) => { importedIds: readonly string[] } | null): Set<string> {
  const seen = new Set<string>()
  const stack = [entry]
  while (stack.length > 0) {
    const id = stack.pop() as string
    if (seen.has(id)) continue
    seen.add(id)
    stack.push(...(info(id)?.importedIds ?? []).filter((next) => next.startsWith(DIST + sep)))
  }
  return seen
}

/** The generated core snapshot (2.4 MB of data, dist/defs/core/snapshot.js) stays tsc's file: bundling gains nothing and re-quotes its strings. */
const SNAPSHOT = join(DIST, 'defs', 'core', 'snapshot.js')

export async function bundleEntries(): Promise<void> {
  const input = entryPoints()
  // Filled when the module graph is known (buildEnd), read when the chunks are made (generate).
  const closures = { root: new Set<string>(), client: new Set<string>() }
  const chunking: Plugin = {
    name: 'entry-closures',
    resolveId(source, importer) {
      if (importer !== undefined && resolve(dirname(importer), source) === SNAPSHOT) return { id: SNAPSHOT, external: true }
      return null
    },
    buildEnd() {
      const info = (id: string) => this.getModuleInfo(id)
      closures.root = staticClosure(input['index'] as string, info)
      closures.client = staticClosure(input['client/index'] as string, info)
    },
  }
  const bundle = await rolldown({
    input,
    cwd: ROOT,
    platform: 'node',
    // Dependencies stay imports (dist imports ⊆ dependencies, test/package/hygiene.test.ts); the package's own files are bundled.
    external: (id) => !id.startsWith('.') && !id.startsWith('/'),
    preserveEntrySignatures: 'strict',
    plugins: [inputSourceMaps, chunking],
    logLevel: 'warn',
  })
  const { output } = await bundle.generate({
    format: 'esm',
    entryFileNames: '[name].js',
    // One folder below dist/, like the compiled modules: `new URL('../…', import.meta.url)` still finds the package's files.
    chunkFileNames: 'chunks/[name]-[hash].js',
    // Maps point at src/ for `node --enable-source-maps`; the sources themselves are not shipped.
    sourcemap: true,
    sourcemapExcludeSources: true,
    comments: { legal: true, annotation: true, jsdoc: false },
    codeSplitting: {
      // Higher priority first; a group does not take the modules an earlier one took.
      groups: [
        // The root's modules the client uses too (validation, the DSL, JSON, errors), and the bundler's helpers:
        { name: 'shared', priority: 3, test: (id) => (closures.root.has(id) && closures.client.has(id)) || id.includes('rolldown/runtime') },
        { name: 'core', priority: 2, test: (id) => closures.root.has(id) },
        { name: 'client', priority: 1, test: (id) => closures.client.has(id) },
        // The generated factories, under a name the tests can tell (test/package/entry-load.test.ts):
        { name: 'nodes', priority: 0, test: (id) => id.startsWith(join(DIST, 'nodes') + sep) },
      ],
    },
  })
  await bundle.close()

  for (const file of readdirSync(DIST, { recursive: true, encoding: 'utf8' })) {
    if (file.endsWith('.js.map') || (file.endsWith('.js') && join(DIST, file) !== SNAPSHOT)) rmSync(join(DIST, file))
  }
  // The snapshot ships without its map (data, 2.4 MB): drop the comment that links it.
  writeFileSync(SNAPSHOT, readFileSync(SNAPSHOT, 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n'))
  for (const file of output) {
    const path = join(DIST, file.fileName)
    if (file.type === 'chunk') checkChunk(file.fileName, file.code)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, file.type === 'chunk' ? file.code : file.source)
  }
}

/** What a chunk must not do once its modules share one file; throws, naming the chunk. */
function checkChunk(fileName: string, code: string): void {
  // The sources resolve package files from their module's place (`../defs/core/classes.data` from dist/cli/,
  // `../../package.json`): that holds in any file one folder below dist/, and nowhere else.
  if (code.includes('import.meta.url') && fileName.split('/').length !== 2) {
    throw new Error(`dist/${fileName} uses import.meta.url but is not one folder below dist/: a package path it resolves would be wrong`)
  }
  // Modules share one scope in a chunk, so the bundler renames clashing names; a class's name is its errors' `name`
  // (`new.target.name`, src/errors.ts), so no class may be renamed (functions may: stack traces map back to src/).
  const renamed = /\bclass ([\w$]+\$\d+)\b/.exec(code)
  if (renamed !== null) throw new Error(`dist/${fileName}: the bundler renamed class ${renamed[1]}; rename one of the clashing classes in src/`)
}
