/** Regenerates (or checks) schemas/comfyui-prompt.schema.json, the JSON Schema editors use for workflows/*.json. */
import { join } from 'node:path'
import { loadObjectInfoFile } from '../src/codegen/source.js'
import { writeGeneratedFiles } from '../src/codegen/write.js'
import { buildPromptJsonSchema, promptJsonSchemaText } from '../src/validate/index.js'
import { BUNDLED_SNAPSHOT, ROOT } from './paths.js'

const SCHEMA_FILE = 'comfyui-prompt.schema.json'

export async function generateSchema(check: boolean): Promise<string> {
  const { defs } = await loadObjectInfoFile(join(ROOT, BUNDLED_SNAPSHOT))
  const text = promptJsonSchemaText(buildPromptJsonSchema(defs))
  const result = await writeGeneratedFiles(join(ROOT, 'schemas'), [{ path: SCHEMA_FILE, text }], {
    check,
    isGenerated: (name) => name === SCHEMA_FILE,
  })
  return `schemas/${SCHEMA_FILE}: ${check ? 'fresh' : result.changed.length > 0 ? 'written' : 'unchanged'}`
}
