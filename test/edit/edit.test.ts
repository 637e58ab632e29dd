/** The edit flow end to end against the test server, for all three templates, and its refusals. */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ComfyClient } from '../../src/client/index.js'
import { InvalidArgumentError } from '../../src/errors.js'
import { InvalidImageError, OutputExistsError } from '../../src/images/index.js'
import { TemplateParameterError } from '../../src/templates/index.js'
import { uiToApi } from '../../src/convert/ui-to-api.js'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import { fixturePath } from '../helpers/fixtures.js'

const BEAR = fixturePath('images', 'comfy-ts__bear_1024x1024.jpg')
const PUG = fixturePath('images', 'comfy-ts__pug_200x300.jpg')
let server: TestServer
let client: ComfyClient
let dir: string

beforeAll(async () => {
  server = await startTestServer({ stepMs: 1 })
  client = new ComfyClient({ url: server.url })
  dir = mkdtempSync(join(tmpdir(), 'comfy-edit-'))
})

type SentPrompt = Record<string, { class_type: string; inputs: Record<string, unknown> }>

/** The prompt the server ran, as its history stores it. */
async function sentPrompt(promptId: string): Promise<SentPrompt> {
  const entry = await client.history(promptId)
  return entry?.prompt[2] as unknown as SentPrompt
}

afterAll(async () => {
  await client.close()
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('edit', () => {
  test('img2img_default: prepared, uploaded, run, written and compared', async () => {
    const out = join(dir, 'img2img.png')
    const result = await client.edit({ image: PUG, positive: 'a painting of a pug', negative: 'blurry', out, params: { seed: 7, denoise: 0.5 } })
    expect(result.template).toBe('img2img_default')
    expect(result.output).toBe(out)
    expect(result.prepared).toEqual({ width: 200, height: 296, originalWidth: 200, originalHeight: 300 })
    const meta = await sharp(out).metadata()
    expect([meta.width, meta.height]).toEqual([200, 296])
    expect(result.comparison.psnr).toBeGreaterThan(0)
    expect(result.comparison.ssim).toBeLessThan(1)
    expect(result.comparison.inside).toBeUndefined()
    // The job ran the rendered template with the uploaded file and the parameters:
    const last = await sentPrompt(result.promptId)
    const sampler = Object.values(last).find((node) => node.class_type === 'KSampler')
    expect(sampler?.inputs).toMatchObject({ seed: 7, denoise: 0.5 })
    const load = Object.values(last).find((node) => node.class_type === 'LoadImage')
    expect(String(load?.inputs['image'])).toMatch(/^[0-9a-f]{16,}\.png$/)
    // ...with the UI workflow in extra_pnginfo, as the editor sends it; queued again, it is the same prompt:
    const extra = (await client.history(result.promptId))?.prompt[3] as { extra_pnginfo?: { workflow?: unknown } }
    const { prompt } = uiToApi(extra.extra_pnginfo?.workflow, await client.defs(), { dynamicPrompts: 'keep' })
    expect(Object.fromEntries(Object.entries(prompt).map(([id, node]) => [id, node.inputs]))).toEqual(Object.fromEntries(Object.entries(last).map(([id, node]) => [id, node.inputs])))
  })

  test('inpaint_masked with a rectangle: changes inside the mask, the outside kept, original size restored', async () => {
    const out = join(dir, 'inpaint.png')
    const diff = join(dir, 'inpaint-diff.png')
    const result = await client.edit({
      image: BEAR,
      positive: 'a hat',
      mask: { rects: [{ x: 256, y: 256, width: 512, height: 512 }] },
      maxSide: 512,
      restoreSize: true,
      diff,
      out,
    })
    expect(result.template).toBe('inpaint_masked')
    expect(result.prepared).toMatchObject({ width: 512, height: 512 })
    expect([result.width, result.height]).toEqual([1024, 1024])
    expect(existsSync(diff)).toBe(true)
    const { inside, outside } = result.comparison
    expect(inside?.changedRatio).toBeGreaterThan(0.5)
    expect(outside?.changedRatio ?? 1).toBeLessThan(inside?.changedRatio ?? 0)
    const sent = await sentPrompt(result.promptId)
    expect(Object.values(sent).map((n) => n.class_type)).toContain('VAEEncodeForInpaint')
  })

  test('inpaint_masked with a mask image and controlnet_canny both run end to end', async () => {
    const maskPath = join(dir, 'mask.png')
    writeFileSync(
      maskPath,
      await sharp({ create: { width: 200, height: 300, channels: 3, background: 'black' } })
        .composite([{ input: { create: { width: 100, height: 100, channels: 3, background: 'white' } }, left: 50, top: 50 }])
        .png()
        .toBuffer(),
    )
    const masked = await client.edit({ image: PUG, positive: 'a bow tie', mask: maskPath, out: join(dir, 'masked.png') })
    expect(masked.comparison.inside?.pixels).toBeGreaterThan(0)
    const canny = await client.edit({
      image: PUG,
      positive: 'a robot dog',
      template: 'controlnet_canny',
      control: BEAR,
      params: { strength: 0.8, lowThreshold: 0.2 },
      out: join(dir, 'canny.png'),
    })
    expect(canny.template).toBe('controlnet_canny')
    const sent = await sentPrompt(canny.promptId)
    const loads = Object.values(sent).filter((n) => n.class_type === 'LoadImage').map((n) => n.inputs['image'])
    expect(new Set(loads).size).toBe(2)
  })

  test('an existing output is refused before anything runs', async () => {
    const out = join(dir, 'exists.png')
    writeFileSync(out, 'keep me')
    const before = server.promptRequests.size
    await expect(client.edit({ image: PUG, positive: 'x', out })).rejects.toBeInstanceOf(OutputExistsError)
    expect(server.promptRequests.size).toBe(before)
    expect(readFileSync(out, 'utf8')).toBe('keep me')
  })

  test.each([
    [{ image: Buffer.from('not an image') }, InvalidImageError],
    [{ params: { sed: 1 } }, TemplateParameterError],
    [{ params: { image: 'x.png' } }, InvalidArgumentError],
    [{ template: 'inpaint_masked' as const }, InvalidArgumentError],
    [{ template: 'img2img_default' as const, control: PUG }, InvalidArgumentError],
  ])('bad input is a typed error and leaves no file behind (%#)', async (overrides, errorClass) => {
    const out = join(dir, `bad-${Math.random().toString(36).slice(2)}.png`)
    await expect(client.edit({ image: PUG, positive: 'x', out, ...overrides } as never)).rejects.toBeInstanceOf(errorClass)
    expect(existsSync(out)).toBe(false)
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([])
  })
})

describe('comfy-dsl edit', () => {
  test('edits through the CLI, prints the metrics, and refuses an existing output with exit 2', async () => {
    const { editCommand } = await import('../../src/cli/commands/edit.js')
    const { runCommand } = await import('../helpers/cli.js')
    const out = join(dir, 'cli.png')
    const argv = ['edit', PUG, '--prompt', 'a pug astronaut', '--param', 'seed=3', '--param', 'steps=4', '--server', server.url, '--out', out]
    const done = await runCommand(argv, { only: [editCommand] })
    expect(done.stderr).toContain('executing')
    expect(done.code).toBe(0)
    expect(done.stdout).toMatch(/cli\.png \(200x296, img2img_default, prompt [0-9a-f-]{36}\)/)
    expect(done.stdout).toMatch(/changed: [\d.]+% of pixels, PSNR [\d.]+ dB/)
    const again = await runCommand(argv, { only: [editCommand] })
    expect(again.code).toBe(2)
    // In flags, not library options, and before anything is uploaded:
    expect(again.stderr).toBe(`error: ${out} exists; pass --overwrite to replace it (or choose another --out)\n`)
    const json = await runCommand([...argv, '--overwrite', '--json'], { only: [editCommand] })
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, exitCode: 0, output: out, width: 200, height: 296, template: 'img2img_default', warnings: [] })
  })
})
