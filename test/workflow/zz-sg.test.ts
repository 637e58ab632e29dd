import { test } from 'vitest'
import { defineSubgraph, toPrompt } from '../../src/dsl/index.js'
import type { Output } from '../../src/dsl/index.js'
import { imageScaleBy, loadImage, saveImage, imageInvert } from '../../src/nodes/index.js'
test('x', () => {
  const upscale = defineSubgraph('Upscale', (image: Output<'IMAGE'>, scale: number) => imageInvert({ image: imageScaleBy({ image, upscale_method: 'lanczos', scale_by: scale }).IMAGE }).IMAGE)
  const load = loadImage({ image: 'a.png' })
  const a = upscale(load.IMAGE, 2)
  const b = upscale(a, 2)
  console.log(JSON.stringify(toPrompt(saveImage({ images: b, filename_prefix: 'x' })), null, 1))
})
