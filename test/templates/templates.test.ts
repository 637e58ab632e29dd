import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import type { ApiPrompt } from '../../src/dsl/prompt.js'
import { parseJson } from '../../src/json/lossless.js'
import {
  controlnetCanny,
  fillTemplate,
  img2imgDefault,
  inpaintMasked,
  TemplateParameterError,
  templates,
  type TemplateManifest,
} from '../../src/templates/index.js'
import { checkTemplatePrompt, InvalidTemplateError, renderWorkflowFiles } from '../../scripts/generate-workflows.js'
import { loadDefs } from '../helpers/fixtures.js'
import { validate } from '../../src/validate/index.js'

const ROOT = join(import.meta.dirname, '..', '..')

function workflow(name: string): { prompt: ApiPrompt; manifest: TemplateManifest } {
  const read = (file: string): unknown => parseJson(readFileSync(join(ROOT, 'workflows', file), 'utf8'))
  return { prompt: read(`${name}.json`) as ApiPrompt, manifest: read(`${name}.params.json`) as TemplateManifest }
}

/** The node a link input points at. */
function source(prompt: ApiPrompt, nodeId: string, input: string): { id: string; class_type: string } {
  const link = prompt[nodeId]?.inputs[input]
  if (!Array.isArray(link)) throw new Error(`${nodeId}.${input} is not a link`)
  const id = link[0] as string
  return { id, class_type: prompt[id]?.class_type as string }
}

function nodesOf(prompt: ApiPrompt, classType: string): string[] {
  return Object.keys(prompt).filter((id) => prompt[id]?.class_type === classType)
}

describe('templates', () => {
  test('img2img_default: image -> VAE encode -> KSampler at denoise < 1 -> decode -> save', () => {
    const { prompt } = img2imgDefault.render()
    const [sampler] = nodesOf(prompt, 'KSampler')
    expect(prompt[sampler!]?.inputs['denoise']).toBeLessThan(1)
    const latent = source(prompt, sampler!, 'latent_image')
    expect(latent.class_type).toBe('VAEEncode')
    expect(source(prompt, latent.id, 'pixels').class_type).toBe('LoadImage')
    const [save] = nodesOf(prompt, 'SaveImage')
    const decoded = source(prompt, save!, 'images')
    expect(decoded.class_type).toBe('VAEDecode')
    expect(source(prompt, decoded.id, 'samples').id).toBe(sampler)
  })

  test.each([
    ['inpaint-model', 'VAEEncodeForInpaint'],
    ['noise-mask', 'SetLatentNoiseMask'],
  ] as const)('inpaint_masked (%s) encodes the input image and composites onto the original', (latentMode, latentClass) => {
    const { prompt } = inpaintMasked.render({ latentMode })
    const [sampler] = nodesOf(prompt, 'KSampler')
    const latent = source(prompt, sampler!, 'latent_image')
    expect(latent.class_type).toBe(latentClass)
    const pixelsFrom = latentClass === 'VAEEncodeForInpaint' ? latent : source(prompt, latent.id, 'samples')
    const [load] = nodesOf(prompt, 'LoadImage')
    expect(source(prompt, pixelsFrom.id, 'pixels').id).toBe(load)
    const [composite] = nodesOf(prompt, 'ImageCompositeMasked')
    expect(source(prompt, composite!, 'destination').id).toBe(load)
    expect(source(prompt, composite!, 'source').class_type).toBe('VAEDecode')
    expect(source(prompt, composite!, 'mask').class_type).toBe('FeatherMask')
    expect(source(prompt, nodesOf(prompt, 'SaveImage')[0]!, 'images').id).toBe(composite)
  })

  test('inpaint_masked takes the mask from a separate file when asked', () => {
    const { prompt, bindings } = inpaintMasked.render({ maskSource: 'image', mask: 'mask.png', maskChannel: 'alpha' })
    const [maskNode] = nodesOf(prompt, 'LoadImageMask')
    expect(prompt[maskNode!]?.inputs).toEqual({ image: 'mask.png', channel: 'alpha' })
    expect(bindings.filter((b) => b.param === 'mask')).toEqual([{ param: 'mask', node: maskNode, input: 'image' }])
  })

  test('controlnet_canny: Canny -> ControlNetApplyAdvanced with a loader, on positive and negative', () => {
    const { prompt } = controlnetCanny.render()
    const [apply] = nodesOf(prompt, 'ControlNetApplyAdvanced')
    expect(source(prompt, apply!, 'control_net').class_type).toBe('ControlNetLoader')
    const edges = source(prompt, apply!, 'image')
    expect(edges.class_type).toBe('Canny')
    expect(source(prompt, edges.id, 'image').class_type).toBe('LoadImage')
    const [sampler] = nodesOf(prompt, 'KSampler')
    expect(prompt[sampler!]?.inputs['positive']).toEqual([apply, 0])
    expect(prompt[sampler!]?.inputs['negative']).toEqual([apply, 1])
    expect(source(prompt, apply!, 'positive').class_type).toBe('CLIPTextEncode')
    expect(source(prompt, apply!, 'negative').class_type).toBe('CLIPTextEncode')
  })

  test.each(Object.keys(templates))('%s binds every parameter its default variant uses', (name) => {
    const template = templates[name as keyof typeof templates]
    const rendered = template.render()
    const expectedUnused = name === 'inpaint_masked' ? ['mask', 'maskChannel'] : []
    expect(rendered.unused).toEqual(expectedUnused)
    for (const binding of rendered.bindings) {
      expect(rendered.prompt[binding.node]?.inputs[binding.input]).toEqual(rendered.options[binding.param])
    }
  })

  test('options are checked: unknown names and wrong types name the template and the parameter', () => {
    expect(() => img2imgDefault.render({ sed: 5 } as never)).toThrow(
      'template "img2img_default": parameter "sed" is not a parameter of this template; did you mean "seed"?',
    )
    expect(() => controlnetCanny.render({ strength: 'strong' } as never)).toThrow(
      'template "controlnet_canny": parameter "strength" expects a number, received "strong"',
    )
  })
})

describe('workflows/', () => {
  test('the committed workflow files and manifests are fresh', async () => {
    for (const file of await renderWorkflowFiles()) {
      expect(readFileSync(join(ROOT, 'workflows', file.path), 'utf8'), file.path).toBe(file.text)
    }
  })

  test.each(Object.keys(templates))('%s: filling through the manifest gives what the TypeScript API renders', (name) => {
    const { prompt, manifest } = workflow(name)
    const values = { seed: 18446744073709551615n, steps: 8, positive: 'a red fox', sampler: 'dpmpp_2m', denoise: 0.55 }
    const filled = fillTemplate(prompt, manifest, values)
    const rendered = templates[name as keyof typeof templates].render(values as never).prompt
    expect(filled).toEqual(rendered)
    // The original is left untouched:
    expect(prompt).toEqual(workflow(name).prompt)
  })

  test.each(Object.keys(templates))('%s: filled through its manifest, the validator accepts it against the core snapshot', (name) => {
    const defs = loadDefs('core026')
    const { prompt, manifest } = workflow(name)
    checkTemplatePrompt(name, prompt, defs)
    const filled = fillTemplate(prompt, manifest, { image: 'uploads/cat.png', seed: 42, steps: 30, cfg: 5.5, scheduler: 'karras' })
    checkTemplatePrompt(name, filled, defs)
    // The check is real: a value the server refuses is reported.
    const broken = structuredClone(filled)
    const sampler = Object.values(broken).find((n) => n.class_type === 'KSampler')
    if (sampler) sampler.inputs['cfg'] = 1000
    expect(() => checkTemplatePrompt(name, broken, defs)).toThrow(InvalidTemplateError)
    expect(validate(broken, defs, { files: 'assume-present' }).nodeErrors).not.toEqual({})
  })

  test.each([
    { maskSource: 'image', latentMode: 'noise-mask' },
    { maskSource: 'image', latentMode: 'inpaint-model' },
    { maskSource: 'alpha', latentMode: 'noise-mask' },
  ] as const)('inpaint_masked variant %o validates', (variant) => {
    checkTemplatePrompt('inpaint_masked', inpaintMasked.render(variant).prompt, loadDefs('core026'))
  })

  test('manifest types come from the node inputs they fill', () => {
    const { manifest } = workflow('img2img_default')
    expect(manifest.parameters['seed']).toMatchObject({ type: 'integer', minimum: 0, maximum: 18446744073709551615n })
    expect(manifest.parameters['sampler']?.enum).toContain('euler')
    expect(manifest.parameters['checkpoint']).toMatchObject({ type: 'string', file: true })
    expect(manifest.parameters['denoise']).toMatchObject({ type: 'number', minimum: 0, maximum: 1 })
  })

  test.each([
    [{ sed: 1 }, 'parameter "sed" is not a parameter of this template; did you mean "seed"?'],
    [{ steps: 'many' }, 'parameter "steps" expects an integer, received "many"'],
    [{ steps: 2.5 }, 'parameter "steps" expects an integer, received 2.5'],
    [{ steps: 0 }, 'parameter "steps" expects a value of at least 1, received 0'],
    [{ sampler: 'eulr' }, 'parameter "sampler" expects one of'],
    [{ positive: 5 }, 'parameter "positive" expects a string, received 5'],
  ])('bad values are rejected with template and parameter: %o', (values, message) => {
    const { prompt, manifest } = workflow('img2img_default')
    const error = (() => {
      try {
        fillTemplate(prompt, manifest, values)
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(TemplateParameterError)
    expect(String(error)).toContain('template "img2img_default"')
    expect(String(error)).toContain(message)
  })

  test('structural options cannot be filled into the JSON', () => {
    const { prompt, manifest } = workflow('inpaint_masked')
    expect(() => fillTemplate(prompt, manifest, { latentMode: 'noise-mask' })).toThrow(/changes the structure of the graph/)
    expect(() => fillTemplate(prompt, manifest, { mask: 'm.png' })).toThrow(/not used by this variant/)
  })
})
