/** Regenerates (or checks) the typed core node factories in src/nodes from the bundled snapshot. */
import { join } from 'node:path'
import { generateNodeFiles } from '../src/codegen/generate.js'
import { loadObjectInfoFile } from '../src/codegen/source.js'
import { writeGeneratedFiles } from '../src/codegen/write.js'
import { BUNDLED_SNAPSHOT, ROOT } from './paths.js'

export async function generateNodes(check: boolean): Promise<string> {
  const { defs } = await loadObjectInfoFile(join(ROOT, BUNDLED_SNAPSHOT))
  const files = await generateNodeFiles(defs, { importFrom: '../dsl/index.js', source: BUNDLED_SNAPSHOT })
  const result = await writeGeneratedFiles(join(ROOT, 'src/nodes'), files, { check })
  const what = check ? 'fresh' : `${result.changed.length} written, ${result.obsolete.length} removed`
  return `src/nodes: ${defs.classes.size} classes in ${files.length} files, ${what}`
}
