/**
 * Side-by-side benchmarks against the peer libraries (bench/peers/): `npm run bench -- peers`.
 *
 * The peers (@saintno/comfyui-sdk, @stable-canvas/comfyui-client, comfy-ui-client) are installed from
 * bench/peers/package.json (pinned, with its own lock file) on the first run, never by the main `npm ci`:
 * the product depends on none of them. Every comparison interleaves the contenders round by round and prints
 * medians and ratios to comfy-dsl (bench/peers/harness.ts); the machine's load inflates the seconds, not the
 * ratios. `PEERS=codegen` runs only the suites named; `BENCH_RUNS=N` sets the rounds.
 *
 * Suites: see bench/peers/suites.ts (add one there: a function that runs `compare()` and prints the table).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { PEERS_DIR, REPO_ROOT, WORK_DIR } from './peers/paths.js'
import { SUITES } from './peers/suites.js'

function installPeers(): void {
  const wanted = ['@saintno/comfyui-sdk', '@stable-canvas/comfyui-client', 'comfy-ui-client']
  if (wanted.every((name) => existsSync(join(PEERS_DIR, 'node_modules', name, 'package.json')))) return
  console.log('installing the peers into bench/peers/node_modules (npm ci, once)...')
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: PEERS_DIR, stdio: 'inherit' })
}

if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'))) {
  throw new Error('dist/ is missing: run `npm run bench -- peers` (it builds first) or `npm run build`')
}
installPeers()
const only = (process.env['PEERS'] ?? '').split(',').filter((s) => s !== '')
try {
  for (const [name, suite] of Object.entries(SUITES)) {
    if (only.length === 0 || only.includes(name)) await suite()
  }
} finally {
  rmSync(WORK_DIR, { recursive: true, force: true })
}
