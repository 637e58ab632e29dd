/**
 * Start-up of the compiled package under plain node (bench/run.ts builds dist/ first): the CLI's `check` of one
 * file and `--help`, and importing the root, client and defs entries, each measured as the wall time of a whole
 * process, interleaved with `node -e 0` so the ratio to an empty node survives a loaded machine.
 * Run: `npm run bench -- startup`.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
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
// `import('comfy-dsl')` from the repository resolves the package's own exports (self-reference): dist/ as installed.
const importing = (entry: string): string[] => ['--input-type=module', '-e', `await import('${entry}')`]

const cases: { name: string; args: string[]; target?: string }[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'comfy-dsl check one.json', args: [bin, 'check', one], target: '<= 250 ms' },
  { name: 'comfy-dsl --help', args: [bin, '--help'], target: '<= 200 ms' },
  { name: "import 'comfy-dsl'", args: importing('comfy-dsl'), target: '<= 60 ms' },
  { name: "import 'comfy-dsl/client'", args: importing('comfy-dsl/client'), target: '<= 70 ms' },
  { name: "import 'comfy-dsl/defs'", args: importing('comfy-dsl/defs') },
]

const RUNS = 9
const times = new Map<string, number[]>(cases.map((c) => [c.name, []]))
for (let run = 0; run < RUNS + 1; run++) {
  for (const c of cases) {
    const start = performance.now()
    const result = spawnSync(process.execPath, c.args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] })
    const elapsed = performance.now() - start
    if (result.status !== 0) throw new Error(`${c.name} exited ${result.status}: ${result.stderr.toString()}`)
    if (run > 0) times.get(c.name)?.push(elapsed) // the first round warms the file cache
  }
}
rmSync(work, { recursive: true, force: true })

const base = median(times.get('node -e 0') ?? [])
const rows: Row[] = cases.map((c) => {
  const ms = median(times.get(c.name) ?? [])
  return {
    measure: c.name,
    value: `${ms.toFixed(0)} ms`,
    ...(c.target === undefined ? {} : { target: c.target }),
    note: c.name === 'node -e 0' ? 'baseline' : `${(ms / base).toFixed(2)} x node -e 0, +${(ms - base).toFixed(0)} ms`,
  }
})
printTable(`start-up, whole processes, median of ${RUNS} interleaved runs (dist/, plain node ${process.version})`, rows)
