/** A rendered template runs from code with its images given by parameter name; edit params are typed per template. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ComfyClient } from '../../src/client/index.js'
import { img2imgDefault, inpaintMasked } from '../../src/templates/index.js'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import { fixturePath } from '../helpers/fixtures.js'

let server: TestServer
let client: ComfyClient
beforeAll(async () => {
  server = await startTestServer({ stepMs: 1 })
  client = new ComfyClient({ url: server.url })
})
afterAll(async () => {
  await client.close()
  await server.close()
})

describe('templates from code', () => {
  test('client.run(rendered, { images: { image: path } }) uploads into every node the parameter fills', async () => {
    const rendered = img2imgDefault.render({ positive: 'a lighthouse', steps: 2 })
    const results = await client.run(rendered, { images: { image: fixturePath('server-captures', 'test_input.png') } })
    expect(results.files).toHaveLength(1)
    const sent = (await client.history(results.promptId))?.prompt[2] as unknown as Record<string, { class_type: string; inputs: Record<string, unknown> }>
    const loads = Object.values(sent).filter((n) => n.class_type === 'LoadImage')
    expect(loads).toHaveLength(1)
    // The uploaded file's name (content hash), not the template's default:
    for (const load of loads) expect(load.inputs['image']).not.toBe(rendered.options['image'])
  })

  test('an image parameter the template does not have is refused', async () => {
    const rendered = img2imgDefault.render({})
    await expect(client.run(rendered, { images: { picture: fixturePath('server-captures', 'test_input.png') } })).rejects.toThrow('"picture"')
  })

  test('EditOptions.params are the chosen template\'s options', () => {
    const typed = (): void => {
      void client.edit({ image: 'a.png', positive: 'x', out: 'o.png', template: 'inpaint_masked', params: { grow: 8, latentMode: 'noise-mask' } })
      // @ts-expect-error img2img_default has no "grow" parameter
      void client.edit({ image: 'a.png', positive: 'x', out: 'o.png', template: 'img2img_default', params: { grow: 8 } })
      // @ts-expect-error steps is a number
      void client.edit({ image: 'a.png', positive: 'x', out: 'o.png', params: { steps: 'many' } })
    }
    expect(typeof typed).toBe('function')
    expect(inpaintMasked.params.grow.default).toBeTypeOf('number')
  })
})
