/**
 * Start-up of the compiled package under plain node (bench/run.ts builds dist/ first, as `npm pack` does): the
 * CLI's `check` of one file and `--help`, and importing the root, client and defs entries. Each is a whole
 * process, run interleaved with `node -e 0` so that the ratio to an empty node survives a loaded machine; for
 * the imports, the child also times its own `await import()` (the figure the import targets are about, node's
 * own start excluded). Besides wall time, each child reports its CPU time (bench/lib/cpu-at-exit.cjs, also
 * loaded by the baseline): on a loaded machine, wall time mostly says how long a process waited for a core.
 * A last, untimed run per case counts the modules it loads (bench/lib/loaded-modules.mjs).
 *
 * Run: `npm run bench -- startup`. `STARTUP_RUNS=20` changes the number of timed runs (default 15);
 * `STARTUP_PROFILE=1` also writes a `--cpu-prof` profile per case and prints where its time goes;
 * `STARTUP_BEFORE=DIR` also measures another built checkout of the package (say, main before a change) in the
 * same interleaved rounds, as rows marked "(before)".
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { summarizeProfile } from './lib/cpu-profile.js'
import { median, printTable, type Row } from './lib/stats.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const work = mkdtempSync(join(tmpdir(), 'comfy-dsl-startup-'))
const one = join(work, 'one.json')
writeFileSync(
  one,
  JSON.stringify({
    '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly-fp16.safetensors' } },
    '2': { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } },
    '3': { class_type: 'VAEDecode', inputs: { samples: ['2', 0], vae: ['1', 2] } },
    '4': { class_type: 'SaveImage', inputs: { images: ['3', 0], filename_prefix: 'x' } },
  }),
)
const bin = join(root, 'bin', 'comfy-dsl.js')
const before = process.env['STARTUP_BEFORE']
// `import('comfy-dsl')` from the repository resolves the package's own exports (self-reference): dist/ as installed.
// The child prints how long its import took, node's own start excluded.
const importing = (entry: string): string[] => [
  '--input-type=module',
  '-e',
  `const t = performance.now(), c = process.cpuUsage(); await import('${entry}'); const { user, system } = process.cpuUsage(c);` +
    ` process.stdout.write(JSON.stringify([performance.now() - t, (user + system) / 1000]))`,
]

interface Case {
  readonly name: string
  readonly args: string[]
  /** The package directory the case runs in (the repository, or STARTUP_BEFORE). */
  readonly cwd?: string
  /** Whole process wall time (ms). */
  readonly wall?: number
  /** The child's own `await import()` (ms). */
  readonly importTarget?: number
}

const current: Case[] = [
  { name: 'comfy-dsl check one.json', args: [bin, 'check', one], wall: 250 },
  { name: 'comfy-dsl --help', args: [bin, '--help'], wall: 200 },
  { name: "import 'comfy-dsl'", args: importing('comfy-dsl'), importTarget: 60 },
  { name: "import 'comfy-dsl/client'", args: importing('comfy-dsl/client'), importTarget: 70 },
  { name: "import 'comfy-dsl/defs'", args: importing('comfy-dsl/defs') },
]
const cases: Case[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  ...current.flatMap((c) =>
    before === undefined
      ? [c]
      : [{ name: `${c.name} (before)`, args: c.args.map((a) => (a === bin ? join(before, 'bin', 'comfy-dsl.js') : a)), cwd: before }, c],
  ),
]

const RUNS = Number(process.env['STARTUP_RUNS'] ?? 15)
const cpuAtExit = ['-r', join(root, 'bench/lib/cpu-at-exit.cjs')]
const walls = new Map<string, number[]>(cases.map((c) => [c.name, []]))
const cpus = new Map<string, number[]>(cases.map((c) => [c.name, []]))
const imports = new Map<string, number[]>(cases.map((c) => [c.name, []]))
const importCpus = new Map<string, number[]>(cases.map((c) => [c.name, []]))
for (let run = 0; run < RUNS + 1; run++) {
  for (const c of cases) {
    const start = performance.now()
    const result = spawnSync(process.execPath, [...cpuAtExit, ...c.args], { cwd: c.cwd ?? root, stdio: ['ignore', 'pipe', 'pipe'] })
    const elapsed = performance.now() - start
    if (result.status !== 0) throw new Error(`${c.name} exited ${result.status}: ${result.stderr.toString()}`)
    if (run === 0) continue // the first round warms the file cache
    walls.get(c.name)?.push(elapsed)
    cpus.get(c.name)?.push(Number(/CPU_MS ([\d.]+)/.exec(result.stderr.toString())?.[1]))
    if (c.args[0] === '--input-type=module') {
      const [wall, cpu] = JSON.parse(result.stdout.toString()) as [number, number]
      imports.get(c.name)?.push(wall)
      importCpus.get(c.name)?.push(cpu)
    }
  }
}

/** Modules loaded by one more run of `c`, by package (`dist` for the package's own files). */
function loadedModules(c: Case): Map<string, number> {
  const result = spawnSync(process.execPath, ['--import', join(root, 'bench/lib/loaded-modules.mjs'), ...c.args], { cwd: c.cwd ?? root, encoding: 'utf8' })
  const line = result.stderr.split('\n').find((l) => l.startsWith('LOADED_MODULES ')) ?? 'LOADED_MODULES []'
  const counts = new Map<string, number>()
  for (const url of JSON.parse(line.slice('LOADED_MODULES '.length)) as string[]) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? (url.includes('/dist/') ? 'dist' : url.includes('/bin/') ? 'bin' : 'other')
    counts.set(pkg, (counts.get(pkg) ?? 0) + 1)
  }
  return counts
}

const base = median(walls.get('node -e 0') ?? [])
const baseCpu = median(cpus.get('node -e 0') ?? [])
const fmt = (value: number): string => `${value.toFixed(0)} ms`
const rows: Row[] = cases.map((c) => {
  const wall = median(walls.get(c.name) ?? [])
  const cpu = median(cpus.get(c.name) ?? [])
  const own = imports.get(c.name) ?? []
  const ownWall = median(own)
  const ownCpu = median(importCpus.get(c.name) ?? [])
  const whole = `wall ${fmt(wall)}, cpu ${fmt(cpu)}`
  const value = own.length > 0 ? `import ${fmt(ownWall)} (cpu ${fmt(ownCpu)}); ${whole}` : whole
  const target = c.wall !== undefined ? `wall <= ${c.wall} ms` : c.importTarget !== undefined ? `import <= ${c.importTarget} ms` : undefined
  const met =
    c.wall !== undefined ? (wall <= c.wall ? 'met' : 'missed') : c.importTarget !== undefined ? (ownWall <= c.importTarget ? 'met' : 'missed') : ''
  const modules = c.name === 'node -e 0' ? undefined : loadedModules(c)
  const total = modules === undefined ? 0 : [...modules.values()].reduce((a, b) => a + b, 0)
  const byPackage = modules === undefined ? '' : `; ${total} modules (${[...modules].sort((a, b) => b[1] - a[1]).map(([p, n]) => `${p} ${n}`).join(', ')})`
  return {
    measure: c.name,
    value,
    ...(target === undefined ? {} : { target: `${target}: ${met}` }),
    note:
      c.name === 'node -e 0'
        ? 'baseline'
        : `${(wall / base).toFixed(2)} x node -e 0 (wall +${fmt(wall - base)}, cpu +${fmt(cpu - baseCpu)})${byPackage}`,
  }
})
printTable(`start-up, whole processes, median of ${RUNS} interleaved runs (dist/, plain node ${process.version})`, rows)

if (process.env['STARTUP_PROFILE'] === '1') {
  for (const c of current) {
    const dir = join(work, `profile-${cases.indexOf(c)}`)
    spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '100', ...c.args], { cwd: c.cwd ?? root, stdio: 'ignore' })
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile')) as string
    console.log(`\nwhere the time of "${c.name}" goes (one --cpu-prof run, self time):`)
    console.log(summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')), root))
  }
}
rmSync(work, { recursive: true, force: true })
