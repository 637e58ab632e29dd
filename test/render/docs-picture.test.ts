/** The README's picture is the current renderer's drawing of the generated img2img_default UI workflow. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { coreDefs } from '../../src/defs/core/index.js'
import { parseJson } from '../../src/json/lossless.js'
import { renderWorkflowSvg } from '../../src/render/index.js'

const ROOT = join(import.meta.dirname, '../..')

test('docs/img2img_default.svg is fresh (else: comfy-dsl render workflows/img2img_default.ui.json -o docs/img2img_default.svg --overwrite)', () => {
  const file = 'workflows/img2img_default.ui.json'
  const drawn = renderWorkflowSvg(parseJson(readFileSync(join(ROOT, file), 'utf8')), { defs: coreDefs, file }).svg
  expect(readFileSync(join(ROOT, 'docs/img2img_default.svg'), 'utf8')).toBe(drawn)
})
