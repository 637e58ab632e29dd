import { join } from 'node:path'
import { expect, test } from 'vitest'
import { generateNodeFiles } from '../../src/codegen/generate.js'
import { loadObjectInfoFile } from '../../src/codegen/source.js'
import { writeGeneratedFiles } from '../../src/codegen/write.js'

const ROOT = join(import.meta.dirname, '..', '..')

test('the committed src/nodes match the bundled snapshot (npm run generate leaves nothing to change)', async () => {
  const { defs } = await loadObjectInfoFile(join(ROOT, 'snapshots/core_comfyui_v0.26.0.object_info.json'))
  const files = await generateNodeFiles(defs, {
    importFrom: '../dsl/index.js',
    source: 'snapshots/core_comfyui_v0.26.0.object_info.json',
  })
  await expect(writeGeneratedFiles(join(ROOT, 'src/nodes'), files, { check: true })).resolves.toEqual({
    changed: [],
    obsolete: [],
  })
})
