/** Where the side-by-side benchmarks find the repository, the peers and a scratch folder. */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const PEERS_DIR = dirname(fileURLToPath(import.meta.url))
export const REPO_ROOT = join(PEERS_DIR, '..', '..')
export const WORK_DIR = mkdtempSync(join(tmpdir(), 'comfy-dsl-peers-'))
/** Interleaved rounds per comparison (BENCH_RUNS overrides). */
export const ROUNDS = Number(process.env['BENCH_RUNS'] ?? 7)
