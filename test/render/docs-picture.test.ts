/** The README's pictures are the current renderer's drawings of the generated UI workflows of two templates. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { coreDefs } from '../../src/defs/core/index.js'
import { parseJson } from '../../src/json/lossless.js'
import { renderWorkflowSvg } from '../../src/render/index.js'

const ROOT = join(import.meta.dirname, '../..')

test.each(['img2img_default', 'controlnet_canny'])(
  'docs/%s.svg is fresh (else: comfy-dsl render workflows/<name>.ui.json -o docs/<name>.svg --overwrite)',
  (name) => {
    const file = `workflows/${name}.ui.json`
    const drawn = renderWorkflowSvg(parseJson(readFileSync(join(ROOT, file), 'utf8')), { defs: coreDefs, file }).svg
    expect(readFileSync(join(ROOT, `docs/${name}.svg`), 'utf8')).toBe(drawn)
  },
)
