/**
 * `defineSubgraph`: one definition in `definitions.subgraphs`, instance nodes wherever it is called, API JSON
 * expanded as the editor expands subgraphs (ids `instance:inner`), and the round trip through our UI → API
 * converter (which reads subgraphs as the editor does) closes.
 */
import { describe, expect, test } from 'vitest'
import { uiToApi } from '../../src/convert/ui-to-api.js'
import { defineSubgraph, toPrompt, type Output } from '../../src/dsl/index.js'
import type { ApiPrompt } from '../../src/dsl/prompt.js'
import { InvalidArgumentError, SerializationError } from '../../src/errors.js'
import { parseJson, stringifyJson } from '../../src/json/lossless.js'
import { checkpointLoaderSimple, clipTextEncode, emptyLatentImage, imageInvert, imageScaleBy, ksampler, loadImage, saveImage, vaeDecode } from '../../src/nodes/index.js'
import { toWorkflow, type Workflow } from '../../src/workflow/index.js'
import { loadDefs } from '../helpers/fixtures.js'

const defs = loadDefs('core026')

/** What the editor queues for a workflow (our converter, which matches it on the fixtures). */
function queue(workflow: Workflow): ApiPrompt {
  return uiToApi(parseJson(stringifyJson(workflow)), defs, { dynamicPrompts: 'keep' }).prompt
}

function inputsOf(prompt: ApiPrompt): Record<string, unknown> {
  return Object.fromEntries(Object.entries(prompt).map(([id, node]) => [id, [node.class_type, node.inputs]]))
}

const upscale = defineSubgraph('Upscale', (image: Output<'IMAGE'>, scale: number) =>
  imageInvert({ image: imageScaleBy({ image, upscale_method: 'lanczos', scale_by: scale }).IMAGE }).IMAGE,
)

describe('API JSON', () => {
  test('each call expands into the inner nodes, ids instance:inner numbered after the graph', () => {
    const load = loadImage({ image: 'a.png' })
    const save = saveImage({ images: upscale(upscale(load.IMAGE, 2), 2), filename_prefix: 'x' })
    expect(inputsOf(toPrompt(save))).toEqual({
      '1': ['LoadImage', { image: 'a.png' }],
      '2:5': ['ImageScaleBy', { image: ['1', 0], upscale_method: 'lanczos', scale_by: 2 }],
      '2:6': ['ImageInvert', { image: ['2:5', 0] }],
      '3:5': ['ImageScaleBy', { image: ['2:6', 0], upscale_method: 'lanczos', scale_by: 2 }],
      '3:6': ['ImageInvert', { image: ['3:5', 0] }],
      '4': ['SaveImage', { images: ['3:6', 0], filename_prefix: 'x' }],
    })
  })

  test('nested subgraphs, record outputs and an input passed straight through', () => {
    const twice = defineSubgraph('Twice', (image: Output<'IMAGE'>) => ({ big: upscale(upscale(image, 2), 2), original: image }))
    const load = loadImage({ image: 'a.png' })
    const { big, original } = twice(load.IMAGE)
    const prompt = toPrompt(saveImage({ images: big, filename_prefix: 'big' }), saveImage({ images: original, filename_prefix: 'small' }))
    expect(inputsOf(prompt)).toEqual({
      '1': ['LoadImage', { image: 'a.png' }],
      '2:5:7': ['ImageScaleBy', { image: ['1', 0], upscale_method: 'lanczos', scale_by: 2 }],
      '2:5:8': ['ImageInvert', { image: ['2:5:7', 0] }],
      '2:6:7': ['ImageScaleBy', { image: ['2:5:8', 0], upscale_method: 'lanczos', scale_by: 2 }],
      '2:6:8': ['ImageInvert', { image: ['2:6:7', 0] }],
      '3': ['SaveImage', { images: ['2:6:8', 0], filename_prefix: 'big' }],
      '4': ['SaveImage', { images: ['1', 0], filename_prefix: 'small' }],
    })
  })
})

describe('the UI workflow', () => {
  function graph() {
    const ckpt = checkpointLoaderSimple({ ckpt_name: 'sd15.safetensors' })
    const encode = defineSubgraph('Prompts', (clip: Output<'CLIP'>, positive: string, negative: string) => [
      clipTextEncode({ text: positive, clip }).CONDITIONING,
      clipTextEncode({ text: negative, clip }).CONDITIONING,
    ])
    const [pos, neg] = encode(ckpt.CLIP, 'a cat', 'blurry')
    const latent = emptyLatentImage({ width: 512, height: 512 })
    const sampled = ksampler({ model: ckpt.MODEL, positive: pos as Output<'CONDITIONING'>, negative: neg as Output<'CONDITIONING'>, latent_image: latent.LATENT, seed: 3, sampler_name: 'euler', scheduler: 'normal' })
    const image = vaeDecode({ samples: sampled.LATENT, vae: ckpt.VAE }).IMAGE
    return [saveImage({ images: upscale(image, 2), filename_prefix: 'a' }), saveImage({ images: upscale(upscale(image, 2), 2), filename_prefix: 'b' })]
  }

  test('DSL → UI → API equals DSL → API', () => {
    const outputs = graph()
    expect(queue(toWorkflow(outputs, defs))).toEqual(Object.fromEntries(Object.entries(toPrompt(...outputs)).map(([id, node]) => [id, { ...node, _meta: { title: defs.classes.get(node.class_type)?.displayName } }])))
  })

  test('each definition once, with its inputs, outputs and promoted widgets; instances where called', () => {
    const workflow = toWorkflow(graph(), defs)
    const definitions = workflow.definitions?.subgraphs ?? []
    expect(definitions.map((d) => d.name)).toEqual(['Prompts', 'Upscale'])
    const [prompts, up] = definitions
    expect(prompts?.inputs.map((i) => [i.name, i.type])).toEqual([['clip', 'CLIP'], ['text', 'STRING'], ['text_1', 'STRING']])
    expect(prompts?.outputs.map((o) => [o.name, o.type])).toEqual([['CONDITIONING', 'CONDITIONING'], ['CONDITIONING_1', 'CONDITIONING']])
    expect(up?.inputs.map((i) => [i.name, i.type, i.linkIds.length])).toEqual([['image', 'IMAGE', 1], ['scale_by', 'FLOAT', 1]])
    // Inner nodes hold the promoted widget's value; their ids are those of the API expansion:
    const inner = up?.nodes.find((n) => n.type === 'ImageScaleBy')
    expect(inner?.widgets_values).toEqual(['lanczos', 2])
    const instances = workflow.nodes.filter((n) => n.type === up?.id)
    expect(instances).toHaveLength(3)
    expect(instances[0]?.properties).toEqual({ proxyWidgets: [[String(inner?.id), 'scale_by']] })
    expect(instances[0]?.inputs.map((i) => [i.name, i.widget?.name, i.link === null])).toEqual([['image', undefined, false], ['scale_by', 'scale_by', true]])
    expect(Object.keys(toPrompt(...graph()))).toContain(`${instances[0]?.id}:${inner?.id}`)
  })

  test('calls that disagree on a promoted widget are refused (the editor shares its value); API JSON takes each', () => {
    const load = loadImage({ image: 'a.png' })
    const save = saveImage({ images: upscale(upscale(load.IMAGE, 2), 3), filename_prefix: 'x' })
    expect(toPrompt(save)['3:5']?.inputs['scale_by']).toBe(3)
    expect(() => toWorkflow([save], defs)).toThrow(InvalidArgumentError)
    expect(() => toWorkflow([save], defs)).toThrow(/parameter "scale_by" is 2 in the call that is node 2 and 3 in node 3/)
  })
})

describe('errors', () => {
  test('bad definitions and calls say what is wrong', () => {
    expect(() => defineSubgraph('', () => loadImage({ image: 'a' }).IMAGE)).toThrow(InvalidArgumentError)
    const notOutputs = defineSubgraph('Bad', () => [42 as unknown as Output])
    expect(() => notOutputs()).toThrow(/item 0 is 42/)
    const one = defineSubgraph('One', (image: Output<'IMAGE'>) => imageInvert({ image }).IMAGE)
    const load = loadImage({ image: 'a.png' })
    expect(() => (one as (...args: unknown[]) => unknown)(load.IMAGE, 2)).toThrow(/takes 1 argument\(s\), received 2/)
    expect(() => (one as (...args: unknown[]) => unknown)(load)).toThrow(/is a node; pass one of its outputs/)
    const pinned = defineSubgraph('Pinned', (image: Output<'IMAGE'>) => imageInvert({ image }, { id: 99 }).IMAGE)
    expect(() => pinned(load.IMAGE)).toThrow(SerializationError)
    const twin = defineSubgraph('One', (image: Output<'IMAGE'>) => imageScaleBy({ image, upscale_method: 'area', scale_by: 1 }).IMAGE)
    expect(() => toPrompt(saveImage({ images: twin(one(load.IMAGE)), filename_prefix: 'x' }))).toThrow(/two different subgraphs are named "One"/)
  })

  test('types: a call is checked like the body', () => {
    const load = loadImage({ image: 'a.png' })
    // @ts-expect-error a MASK is not an IMAGE: the subgraph's parameter keeps the body's type
    upscale(load.MASK, 2)
    // @ts-expect-error the scale is a number
    upscale(load.IMAGE, 'big')
    expect(true).toBe(true)
  })
})
