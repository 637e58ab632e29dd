/** Layout and editor format of `toWorkflow`: no overlaps, links left to right, same graph same bytes, groups. */
import { describe, expect, test } from 'vitest'
import { InvalidArgumentError } from '../../src/errors.js'
import { stringifyJson } from '../../src/json/lossless.js'
import { checkpointLoaderSimple, clipTextEncode, emptyLatentImage, ksampler, loadImage, saveImage, vaeDecode, vaeEncode } from '../../src/nodes/index.js'
import { templates } from '../../src/templates/index.js'
import { apiToWorkflow, group, layeredLayout, toWorkflow, type Workflow, type WorkflowNode } from '../../src/workflow/index.js'
import { loadDefs } from '../helpers/fixtures.js'

const defs = loadDefs('core026')
const TITLE = 30

/** The box the editor draws: the title bar above `pos`, then the body. */
function box(node: WorkflowNode): [number, number, number, number] {
  return [node.pos[0], node.pos[1] - TITLE, node.pos[0] + node.size[0], node.pos[1] + node.size[1]]
}

function overlaps(workflow: Workflow): string[] {
  const found: string[] = []
  const { nodes } = workflow
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const [a, b] = [box(nodes[i] as WorkflowNode), box(nodes[j] as WorkflowNode)]
      if (a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]) found.push(`${nodes[i]?.id} / ${nodes[j]?.id}`)
    }
  }
  return found
}

/** Links whose origin's right edge is not left of the target's left edge (drawn backwards). */
function backwardLinks(workflow: Workflow): number[] {
  const byId = new Map(workflow.nodes.map((n) => [n.id, n]))
  return workflow.links.filter(([, from, , to]) => {
    const [a, b] = [byId.get(from) as WorkflowNode, byId.get(to) as WorkflowNode]
    return a.pos[0] + a.size[0] >= b.pos[0]
  }).map(([id]) => id)
}

function txt2img(seed = 5) {
  const ckpt = checkpointLoaderSimple({ ckpt_name: 'sd15.safetensors' })
  const positive = clipTextEncode({ text: 'a cat', clip: ckpt.CLIP })
  const negative = clipTextEncode({ text: 'blurry', clip: ckpt.CLIP }, { title: 'Negative' })
  const latent = emptyLatentImage({ width: 512, height: 512 })
  const sampler = ksampler({ model: ckpt.MODEL, positive: positive.CONDITIONING, negative: negative.CONDITIONING, latent_image: latent.LATENT, seed, sampler_name: 'euler', scheduler: 'normal' })
  const decode = vaeDecode({ samples: sampler.LATENT, vae: ckpt.VAE })
  const save = saveImage({ images: decode.IMAGE })
  return { ckpt, positive, negative, latent, sampler, decode, save }
}

describe('the templates laid out', () => {
  test.each(Object.values(templates).map((t) => [t.name, t] as const))('%s: no overlapping nodes, no link drawn right to left', (_name, template) => {
    const workflow = apiToWorkflow(template.render().prompt, defs)
    expect(workflow.nodes.length).toBeGreaterThan(5)
    expect(overlaps(workflow)).toEqual([])
    expect(backwardLinks(workflow)).toEqual([])
  })
})

test('a 100-node graph: no overlaps, every link left to right', () => {
  const workflow = apiToWorkflow(chain100(), defs)
  expect(workflow.nodes).toHaveLength(100)
  expect(overlaps(workflow)).toEqual([])
  expect(backwardLinks(workflow)).toEqual([])
})

test('same graph, same bytes (built twice from scratch)', () => {
  const a = stringifyJson(toWorkflow([txt2img().save], defs), 2)
  const b = stringifyJson(toWorkflow([txt2img().save], defs), 2)
  expect(a).toBe(b)
  expect(stringifyJson(toWorkflow([txt2img(6).save], defs))).not.toBe(stringifyJson(toWorkflow([txt2img().save], defs)))
})

describe('the editor format', () => {
  const g = txt2img()
  const workflow = toWorkflow([g.save], defs)
  const byType = (type: string) => workflow.nodes.filter((n) => n.type === type)

  test('top level as the editor saves it', () => {
    expect(workflow.version).toBe(0.4)
    expect(workflow.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(workflow.last_node_id).toBe(7)
    expect(workflow.last_link_id).toBe(workflow.links.length)
    expect(workflow.links).toHaveLength(9)
    expect(workflow.extra).toEqual({ ds: { scale: 1, offset: [0, 0] } })
  })

  test('KSampler: sockets, a seed control after the seed, the editor size', () => {
    const [sampler] = byType('KSampler')
    expect(sampler?.inputs.map((i) => [i.name, i.type, i.link !== null])).toEqual([
      ['model', 'MODEL', true],
      ['positive', 'CONDITIONING', true],
      ['negative', 'CONDITIONING', true],
      ['latent_image', 'LATENT', true],
    ])
    expect(sampler?.widgets_values).toEqual([5, 'fixed', 20, 8, 'euler', 'normal', 1])
    expect(sampler?.size).toEqual([315, 262])
    expect(sampler?.properties).toEqual({ 'Node name for S&R': 'KSampler' })
    expect(sampler?.outputs).toEqual([{ name: 'LATENT', type: 'LATENT', links: [expect.any(Number)] }])
  })

  test('titles from _meta.title; order is a dependency order', () => {
    expect(byType('CLIPTextEncode').map((n) => n.title)).toEqual([undefined, 'Negative'])
    const order = new Map(workflow.nodes.map((n) => [n.id, n.order]))
    for (const [, from, , to] of workflow.links) expect(order.get(from) as number).toBeLessThan(order.get(to) as number)
  })

  test('a linked widget input gets a socket with its widget; the upload button keeps its value', () => {
    const image = loadImage({ image: 'cat.png' })
    const ckpt = checkpointLoaderSimple({ ckpt_name: 'x.safetensors' })
    const steps = ksampler({ model: ckpt.MODEL, positive: clipTextEncode({ text: 'a', clip: ckpt.CLIP }).CONDITIONING, negative: clipTextEncode({ text: 'b', clip: ckpt.CLIP }).CONDITIONING, latent_image: vaeEncode({ pixels: image.IMAGE, vae: ckpt.VAE }).LATENT, seed: 1, sampler_name: 'euler', scheduler: 'normal' })
    const w = toWorkflow([saveImage({ images: vaeDecode({ samples: steps.LATENT, vae: ckpt.VAE }).IMAGE, filename_prefix: image.IMAGE as never })], defs)
    const save = w.nodes.find((n) => n.type === 'SaveImage')
    expect(save?.inputs[1]).toEqual({ name: 'filename_prefix', type: 'STRING', widget: { name: 'filename_prefix' }, link: expect.any(Number) })
    expect(w.nodes.find((n) => n.type === 'LoadImage')?.widgets_values).toEqual(['cat.png', 'image'])
  })
})

describe('groups', () => {
  test('a group frames its nodes and no other', () => {
    const g = txt2img()
    const workflow = toWorkflow([g.save], defs, { groups: [group('Prompts', [g.positive, g.negative]), group('Sampling', [g.sampler, g.decode.IMAGE])] })
    expect(overlaps(workflow)).toEqual([])
    expect(backwardLinks(workflow)).toEqual([])
    expect(workflow.groups.map((x) => [x.id, x.title])).toEqual([[1, 'Prompts'], [2, 'Sampling']])
    const members: Record<string, string[]> = { Prompts: ['CLIPTextEncode'], Sampling: ['KSampler', 'VAEDecode'] }
    for (const frame of workflow.groups) {
      const [x, y, w, h] = frame.bounding
      for (const node of workflow.nodes) {
        const [l, t, r, b] = box(node)
        const inside = l >= x && r <= x + w && t >= y && b <= y + h
        const touches = l < x + w && x < r && t < y + h && y < b
        expect(members[frame.title]?.includes(node.type) ? inside : !touches, `${frame.title} / ${node.type}`).toBe(true)
      }
    }
  })

  test('a node outside the graph, or in two groups, is refused', () => {
    const g = txt2img()
    const stray = emptyLatentImage({ width: 64, height: 64 })
    expect(() => toWorkflow([g.save], defs, { groups: [group('G', [stray])] })).toThrow(InvalidArgumentError)
    expect(() => toWorkflow([g.save], defs, { groups: [group('A', [g.sampler]), group('B', [g.sampler])] })).toThrow(/already in group "A"/)
    expect(() => group('G', [42 as never])).toThrow(/item 0 is not a node/)
  })
})

test('the layout refuses edges against the dependency order', () => {
  expect(() => layeredLayout([{ width: 1, height: 1, band: 0 }, { width: 1, height: 1, band: 0 }], [{ from: 1, fromSlot: 0, to: 0, toSlot: 0 }])).toThrow(RangeError)
})

/** 100 nodes: a spine of samplers with side branches, as a long upscale or video graph has. */
export function chain100() {
  const prompt: Record<string, { class_type: string; inputs: Record<string, unknown> }> = {}
  prompt['1'] = { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'a.safetensors' } }
  prompt['2'] = { class_type: 'CLIPTextEncode', inputs: { text: 'x', clip: ['1', 1] } }
  prompt['3'] = { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } }
  let latent = ['3', 0]
  let id = 4
  while (id <= 100) {
    if (id + 2 <= 100) {
      prompt[String(id)] = { class_type: 'KSampler', inputs: { model: ['1', 0], positive: ['2', 0], negative: ['2', 0], latent_image: latent, seed: id, steps: 20, cfg: 7, sampler_name: 'euler', scheduler: 'normal', denoise: 0.5 } }
      prompt[String(id + 1)] = { class_type: 'VAEDecode', inputs: { samples: [String(id), 0], vae: ['1', 2] } }
      prompt[String(id + 2)] = { class_type: 'SaveImage', inputs: { images: [String(id + 1), 0], filename_prefix: `step${id}` } }
      latent = [String(id), 0]
      id += 3
    } else {
      prompt[String(id)] = { class_type: 'PreviewAny', inputs: { source: latent } }
      id++
    }
  }
  return prompt as never
}
