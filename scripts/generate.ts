/**
 * The main job: regenerate (or with --check, verify) everything derived from the bundled core snapshot:
 * the typed node factories in src/nodes. Exits 1 when --check finds stale files.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateNodeFiles } from '../src/codegen/generate.js'
import { loadObjectInfoFile } from '../src/codegen/source.js'
import { writeGeneratedFiles } from '../src/codegen/write.js'
import { StaleGeneratedCodeError } from '../src/errors.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const BUNDLED_SNAPSHOT = 'snapshots/core_comfyui_v0.26.0.object_info.json'
const check = process.argv.includes('--check')

async function main(): Promise<number> {
  const started = performance.now()
  const { defs } = await loadObjectInfoFile(join(root, BUNDLED_SNAPSHOT))
  const files = await generateNodeFiles(defs, { importFrom: '../dsl/index.js', source: BUNDLED_SNAPSHOT })
  const nodes = await writeGeneratedFiles(join(root, 'src/nodes'), files, { check })
  const what = check ? 'fresh' : `${nodes.changed.length} written, ${nodes.obsolete.length} removed`
  console.log(`src/nodes: ${defs.classes.size} classes in ${files.length} files, ${what}`)
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(2)} s`)
  return 0
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    if (error instanceof StaleGeneratedCodeError) {
      console.error(error.message)
      process.exitCode = 1
    } else {
      console.error(error instanceof Error ? error.message : error)
      process.exitCode = 2
    }
  },
)
