/**
 * The last step of `npm run build`: the compiled modules of dist/ (tsc's output, one file per source file) become
 * one file per public entry plus shared chunks (rolldown), and the per-module files go.
 *
 * Why: Node's ES module loader pays per file (resolve, read, compile, link), and that, not the code, was most of
 * `import 'comfy-dsl'` (67 files). The chunks are chosen for the start-ups that count (chunkName()), not left to
 * the bundler's default (a chunk per set of entries that share a module, which made 28 files for the root): the
 * root and the client load 4 files each, the CLI's `--help` 3 and its `check` 7 (plus commander).
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

/** Every module `entries` load through static imports (what importing them costs), themselves included. */
function staticClosure(entries: readonly string[], info: (id: string) => { importedIds: readonly string[] } | null): Set<string> {
  const seen = new Set<string>()
  const stack = [...entries]
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

/**
 * The start-ups the chunks are cut for (bench/startup.bench.ts measures them), each as the modules it loads
 * first: the root and client entries, the CLI (`--help`), and the CLI's `check` of a file against the core
 * definitions (the command and the core definitions' reader it imports when it runs).
 */
const START_UPS = {
  root: ['index.js'],
  client: ['client/index.js'],
  cli: ['cli/main.js'],
  check: ['cli/main.js', 'cli/commands/check.js', 'cli/core-defs.js'],
} as const
type StartUp = keyof typeof START_UPS

/**
 * The chunk of a module, from the start-ups that load it (a start-up then loads its entry and 2 to 4 chunks):
 * - base: what the CLI's start-ups take from the library (errors, the core definitions' decoder), so that `--help`
 *   loads no more than that;
 * - cli: the rest of the CLI's start (`--help`); check: the rest of `check` among the CLI's files;
 * - shared: what two of root, client and check use (validation, JSON, the DSL);
 * - core, client: the rest of the root, of the client.
 * Other modules are left to the bundler (a chunk per set of entries that use them). A module's imports are in its
 * chunk or one listed before it, so chunks never import each other in a cycle (checked on the output).
 */
function chunkName(id: string, loadedBy: ReadonlySet<StartUp>): string | undefined {
  // The CLI's entry awaits the command it imports, whose chunk imports the cli chunk: in that chunk, the entry's
  // top-level await would wait for itself.
  if (id === CLI_ENTRY) return undefined
  const cliFile = id.startsWith(join(DIST, 'cli') + sep)
  if (loadedBy.has('cli')) return cliFile ? 'cli' : 'base'
  if (['root', 'client', 'check'].filter((s) => loadedBy.has(s as StartUp)).length >= 2) return 'shared'
  if (loadedBy.has('root')) return 'core'
  if (loadedBy.has('client')) return 'client'
  if (loadedBy.has('check')) return cliFile ? 'check' : 'base'
  return undefined
}
const CLI_ENTRY = join(DIST, 'cli', 'main.js')
const CHUNKS = ['base', 'cli', 'shared', 'core', 'client', 'check'] as const

const INPUT_OPTIONS = {
  cwd: ROOT,
  platform: 'node',
  // Dependencies stay imports (dist imports ⊆ dependencies, test/package/hygiene.test.ts); the package's own files are bundled.
  external: (id: string) => !id.startsWith('.') && !id.startsWith('/'),
  logLevel: 'warn',
} as const

/** The names each entry exports (ids to sorted, joined names), from a bundle that keeps the entries' signatures. */
async function exportsOf(input: Record<string, string>): Promise<Map<string, string>> {
  const bundle = await rolldown({ ...INPUT_OPTIONS, input, preserveEntrySignatures: 'strict' })
  const { output } = await bundle.generate({ format: 'esm' })
  await bundle.close()
  return new Map(output.flatMap((file) => (file.type === 'chunk' && file.isEntry ? [[file.facadeModuleId ?? '', [...file.exports].sort().join()]] : [])))
}

export async function bundleEntries(): Promise<void> {
  const input = entryPoints()
  // Filled when the module graph is known (buildEnd), read when the chunks are made (generate).
  const chunkOf = new Map<string, string>()
  const entryExports = await exportsOf(input)
  const chunking: Plugin = {
    name: 'start-up-chunks',
    resolveId(source, importer) {
      if (importer !== undefined && resolve(dirname(importer), source) === SNAPSHOT) return { id: SNAPSHOT, external: true }
      return null
    },
    buildEnd() {
      const info = (id: string) => this.getModuleInfo(id)
      const loadedBy = new Map<string, Set<StartUp>>()
      for (const [startUp, files] of Object.entries(START_UPS) as [StartUp, readonly string[]][]) {
        for (const id of staticClosure(files.map((file) => join(DIST, file)), info)) loadedBy.set(id, (loadedBy.get(id) ?? new Set()).add(startUp))
      }
      for (const [id, startUps] of loadedBy) {
        const name = chunkName(id, startUps)
        if (name !== undefined) chunkOf.set(id, name)
      }
    },
  }
  const bundle = await rolldown({
    ...INPUT_OPTIONS,
    input,
    // Required by includeDependenciesRecursively: false; the entries' exports are checked below.
    preserveEntrySignatures: 'allow-extension',
    plugins: [inputSourceMaps, chunking],
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
      // Each group takes exactly the modules chunkName() gives it (not their imports too).
      includeDependenciesRecursively: false,
      groups: [
        ...CHUNKS.map((name) => ({ name, test: (id: string) => chunkOf.get(id) === name })),
        // The generated factories, under a name the tests can tell (test/package/entry-load.test.ts):
        { name: 'nodes', test: (id) => id.startsWith(join(DIST, 'nodes') + sep) },
      ],
    },
  })
  await bundle.close()

  for (const file of readdirSync(DIST, { recursive: true, encoding: 'utf8' })) {
    if (file.endsWith('.js.map') || (file.endsWith('.js') && join(DIST, file) !== SNAPSHOT)) rmSync(join(DIST, file))
  }
  // The snapshot ships without its map (data, 2.4 MB): drop the comment that links it.
  writeFileSync(SNAPSHOT, readFileSync(SNAPSHOT, 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n'))
  const cycle = importCycle(new Map(output.flatMap((file) => (file.type === 'chunk' ? [[file.fileName, file.imports]] : []))))
  if (cycle !== undefined) throw new Error(`chunks import each other in a cycle (a module could run before one it uses): ${cycle.join(' -> ')}`)
  for (const file of output) {
    const path = join(DIST, file.fileName)
    if (file.type === 'chunk') checkChunk(file.fileName, file.code)
    // 'allow-extension' lets the bundler add exports to an entry's file; a public entry must export what its source does:
    if (file.type === 'chunk' && file.isEntry && [...file.exports].sort().join() !== entryExports.get(file.facadeModuleId ?? '')) {
      throw new Error(`dist/${file.fileName} does not export what its source module does (the bundler added or dropped names)`)
    }
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

/** A cycle of static imports between the output files, if any (as file names, the first repeated at the end). */
function importCycle(imports: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const done = new Set<string>()
  const path: string[] = []
  const visit = (file: string): string[] | undefined => {
    const at = path.indexOf(file)
    if (at >= 0) return [...path.slice(at), file]
    if (done.has(file)) return undefined
    path.push(file)
    for (const next of imports.get(file) ?? []) {
      const cycle = imports.has(next) ? visit(next) : undefined
      if (cycle !== undefined) return cycle
    }
    path.pop()
    done.add(file)
    return undefined
  }
  for (const file of imports.keys()) {
    const cycle = visit(file)
    if (cycle !== undefined) return cycle
  }
  return undefined
}
