/**
 * `comfy-dsl codegen` as a user runs it after `npm install comfy-dsl`: factories for a custom-node server
 * (904 classes, 324 of them custom), type-checked under strict settings together with a user file wired from
 * them, whose `@ts-expect-error`s (a wrong link, a wrong combo value) must be errors; the file's prompt is then
 * checked by the installed CLI against the same definitions.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { installedPackage, REPO, sh, type InstalledPackage } from './installed.js'

let pkg: InstalledPackage
let dir: string

// Core and custom factories together; the two directives must each be a compile error.
const USER_FILE = `import { toPromptJson } from 'comfy-dsl'
import { checkpointLoaderSimple, clipTextEncode, emptyLatentImage, imageResizeKJv2, ksampler, saveImage, seedRgthree, vaeDecode } from './gen/index.js'

const ckpt = checkpointLoaderSimple({ ckpt_name: 'v1-5-pruned-emaonly-fp16.safetensors' })
const positive = clipTextEncode({ text: 'a lighthouse', clip: ckpt.CLIP })
const seed = seedRgthree({ seed: 42 })
const sampled = ksampler({
  model: ckpt.MODEL,
  seed: seed.out(0),
  sampler_name: 'euler',
  scheduler: 'karras',
  positive: positive.CONDITIONING,
  negative: positive.CONDITIONING,
  latent_image: emptyLatentImage({ width: 512, height: 512 }).LATENT,
})
const image = vaeDecode({ samples: sampled.LATENT, vae: ckpt.VAE }).IMAGE
const resized = imageResizeKJv2({ image, width: 256, height: 256, upscale_method: 'lanczos', keep_proportion: 'crop' })
const save = saveImage({ images: resized.IMAGE })

// @ts-expect-error a CLIP output in a MODEL input
ksampler({ model: ckpt.CLIP, positive: positive.CONDITIONING, negative: positive.CONDITIONING, latent_image: sampled.LATENT, sampler_name: 'euler', scheduler: 'karras' })
// @ts-expect-error not one of KJNodes' keep_proportion options
imageResizeKJv2({ image, upscale_method: 'lanczos', keep_proportion: 'squash' })

process.stdout.write(toPromptJson([save], 2))
`

beforeAll(async () => {
  pkg = await installedPackage()
  dir = pkg.project
  copyFileSync(join(REPO, 'test/fixtures/object_info/custom_nodes_autoflow_2026-02.object_info.json'), join(dir, 'custom.json'))
}, 900_000)

describe('codegen from the installed package', () => {
  test('generates, compiles strictly with a user file, and what it builds passes check', { timeout: 600_000 }, async () => {
    const generated = await sh(pkg, 'comfy-dsl', ['codegen', '--object-info', 'custom.json', '--out', 'gen', '--json'])
    expect(generated.stderr).toBe('')
    expect(generated.code).toBe(0)
    expect(JSON.parse(generated.stdout)).toMatchObject({ ok: true, classes: 904, out: 'gen', warnings: [] })
    // Generated code imports only public entries:
    const imports = new Set([...readFileSync(join(dir, 'gen', 'loaders.ts'), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]))
    expect([...imports].filter((s) => !s?.startsWith('./'))).toEqual(['comfy-dsl'])

    writeFileSync(join(dir, 'user.ts'), USER_FILE)
    // The same file without the directives: exactly the two errors they announce.
    writeFileSync(join(dir, 'user-unchecked.ts'), USER_FILE.replace(/^\/\/ @ts-expect-error.*\n/gm, ''))
    writeFileSync(
      join(dir, 'tsconfig.codegen.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
        },
        include: ['gen/**/*.ts', 'user.ts', 'user-unchecked.ts'],
      }),
    )
    const tsc = await sh(pkg, 'tsc', ['-p', 'tsconfig.codegen.json', '--pretty', 'false'])
    const errors = tsc.stdout.split('\n').filter((line) => /error TS\d+/.test(line))
    expect(errors.filter((line) => !line.startsWith('user-unchecked.ts'))).toEqual([])
    expect(errors.map((line) => /^user-unchecked\.ts\((\d+),/.exec(line)?.[1])).toEqual(['20', '21'])

    const built = await sh(pkg, 'tsx', ['user.ts'])
    expect(built.stderr).toBe('')
    const checked = await sh(pkg, 'comfy-dsl', ['check', '--object-info', 'custom.json', '--files', 'assume-present', '-'], { input: built.stdout })
    expect(checked.stdout).toContain('stdin: accepted')
    expect(checked.code).toBe(0)
  })
})
