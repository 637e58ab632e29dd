/**
 * The main job (`npm run generate`): regenerate everything derived from the bundled core snapshot, in order:
 * the pre-normalized core definitions (src/defs/core/snapshot.ts), the typed node factories (src/nodes, then type-checked under strict settings), the JSON Schema of prompts
 * (schemas/), then the templates rendered to workflows/ and validated with the offline validator. With --check, nothing is written and the exit code is 1
 * when anything is stale (2 when a template does not validate).
 */
import { StaleGeneratedCodeError } from '../src/errors.js'
import { generateCoreDefs } from './generate-core-defs.js'
import { generateNodes } from './generate-nodes.js'
import { generateSchema } from './generate-schema.js'
import { typecheckNodes } from './typecheck-nodes.js'

const check = process.argv.includes('--check')

async function main(): Promise<void> {
  const started = performance.now()
  console.log(await generateCoreDefs(check))
  console.log(await generateNodes(check))
  console.log(typecheckNodes())
  console.log(await generateSchema(check))
  // Imported after the factories are written, so the templates are built from the fresh ones:
  const { generateWorkflows } = await import('./generate-workflows.js')
  console.log(await generateWorkflows(check))
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(2)} s`)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = error instanceof StaleGeneratedCodeError ? 1 : 2
})
