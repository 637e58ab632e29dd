/**
 * prepareImage's PNG settings (chosen in bench/png-settings.bench.ts): prepared uploads are no larger than
 * Pillow's default encoding of the same pixels (sizes recorded with Pillow 9.4.0, zlib 6 with adaptive filtering).
 */
import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { prepareImage } from '../../src/images/index.js'
import { fixturePath } from '../helpers/fixtures.js'

test.each([
  ['comfy-ts__bear_1024x1024.jpg', 890_110],
  ['comfy-ts__lioness_768x768.jpg', 628_547],
  ['comfyui-examples__controlnet_pose_present.png', 4_809],
])('%s fitted to 768 px is at most Pillow\'s %i bytes', async (file, pillow) => {
  const { data, width, height } = await prepareImage(readFileSync(fixturePath('images', file)), { maxSide: 768 })
  expect([width, height]).toEqual([768, 768])
  expect(data.length).toBeLessThanOrEqual(pillow)
  // and well below what the former settings (no filtering) gave for photos:
  if (!file.includes('pose')) expect(data.length).toBeLessThan(pillow * 0.99)
})
