/**
 * `npm run bench [-- name...]`: builds the package, then runs every bench/*.bench.ts (or those whose name
 * contains one of the arguments) one after another, each in its own process, each printing a table.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildPackage } from '../scripts/build.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const filters = process.argv.slice(2)
// Long runs that only start when named (`npm run bench -- soak`): the soak takes minutes.
const ON_DEMAND = new Set(['soak.bench.ts'])
const benches = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => (filters.length === 0 ? !ON_DEMAND.has(f) : filters.some((x) => f.includes(x))))
  .sort()

console.log('building dist/ (benchmarks measure the package as users get it)...')
await buildPackage()
let failed = 0
for (const bench of benches) {
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'bench', bench)], {
      stdio: 'inherit',
      cwd: root,
    })
  } catch {
    failed++
    console.error(`${bench} failed`)
  }
}
process.exitCode = failed > 0 ? 1 : 0
