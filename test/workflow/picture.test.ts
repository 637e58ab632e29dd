/** The README's picture of a template laid out is `comfy-dsl render` of the generated workflows/controlnet_canny.ui.json. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { coreDefs } from '../../src/defs/core/index.js'
import { parseJson } from '../../src/json/lossless.js'
import { renderWorkflowSvg } from '../../src/index.js'

const ROOT = join(import.meta.dirname, '..', '..')

test('docs/controlnet_canny.svg is fresh (regenerate: comfy-dsl render workflows/controlnet_canny.ui.json -o docs/controlnet_canny.svg)', () => {
  const ui = parseJson(readFileSync(join(ROOT, 'workflows', 'controlnet_canny.ui.json'), 'utf8'))
  const { svg } = renderWorkflowSvg(ui, { defs: coreDefs, file: 'workflows/controlnet_canny.ui.json' })
  expect(readFileSync(join(ROOT, 'docs', 'controlnet_canny.svg'), 'utf8').trim()).toBe(svg.trim())
})
