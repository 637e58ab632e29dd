/**
 * Codegen side by side: `comfy-dsl codegen` and `cfli codegen` (@saintno/comfyui-sdk) read the same
 * /object_info from the test server and write their files; each run starts a fresh process into an emptied
 * folder. `comfy-dsl (file)` reads the same snapshot from disk instead of the server. comfy-dsl's runs after the
 * first read the validated definitions from its cache (src/codegen/defs-cache.ts, in a folder of this run);
 * `comfy-dsl (no cache)` validates them every time.
 */
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { startTestServer } from '../../../src/testing/index.js'
import { compare, printComparison, runCommand, type Contender } from '../harness.js'
import { PEERS_DIR, REPO_ROOT, ROUNDS, WORK_DIR } from '../paths.js'

const SNAPSHOTS = [
  { label: 'codegen, 792 classes (ComfyUI v0.26.0 core)', file: 'snapshots/core_comfyui_v0.26.0.object_info.json' },
  { label: 'codegen, 904 classes (custom-node server, 324 of them custom)', file: 'test/fixtures/object_info/custom_nodes_autoflow_2026-02.object_info.json' },
]

const CLI = join(REPO_ROOT, 'bin', 'comfy-dsl.js')
const CFLI = join(PEERS_DIR, 'node_modules', '@saintno', 'comfyui-sdk', 'dist', 'cli.js')

export async function codegenSuite(): Promise<void> {
  // A cache folder of this run (the children inherit it); each contender's warm-up run fills it:
  process.env['COMFY_DSL_CACHE_DIR'] = join(WORK_DIR, 'defs-cache')
  for (const snapshot of SNAPSHOTS) {
    const objectInfo = join(REPO_ROOT, snapshot.file)
    const server = await startTestServer({ objectInfo })
    const out = (name: string): string => {
      const dir = join(WORK_DIR, 'codegen', name)
      rmSync(dir, { recursive: true, force: true })
      mkdirSync(dir, { recursive: true })
      return dir
    }
    const node = process.execPath
    const contender = (name: string, args: () => string[]): Contender => ({
      name,
      warmup: () => runCommand(node, args(), REPO_ROOT),
      sample: () => runCommand(node, args(), REPO_ROOT),
    })
    try {
      const rows = await compare({
        rounds: ROUNDS,
        contenders: [
          contender('comfy-dsl', () => [CLI, 'codegen', '--server', server.url, '--out', out('dsl')]),
          contender('cfli', () => [CFLI, 'codegen', '-H', server.url, '-o', join(out('cfli'), 'nodes.ts')]),
          contender('comfy-dsl (file)', () => [CLI, 'codegen', '--object-info', objectInfo, '--out', out('dsl-file')]),
          // Validating and normalizing the object_info on every run, as a first run (or a changed server) does:
          contender('comfy-dsl (no cache)', () => [CLI, 'codegen', '--server', server.url, '--out', out('dsl-nocache'), '--no-cache']),
        ],
      })
      printComparison(snapshot.label, rows)
    } finally {
      await server.close()
    }
  }
}
