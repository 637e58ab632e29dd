/** renderWorkflowSvg: every UI fixture draws as well-formed SVG with its nodes where the file puts them. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { coreDefs } from '../../src/defs/core/index.js'
import { WorkflowFormatError } from '../../src/errors.js'
import { parseJson } from '../../src/json/lossless.js'
import { renderWorkflowSvg } from '../../src/render/index.js'
import { parseSvg, type SvgElement } from './svg-parse.js'

const FIXTURES = join(import.meta.dirname, '../fixtures/workflows')
const UI_FILES = [
  ...readdirSync(join(FIXTURES, 'ui')).map((f) => `ui/${f}`),
  ...readdirSync(join(FIXTURES, 'pairs'))
    .filter((f) => f.endsWith('.ui.json'))
    .map((f) => `pairs/${f}`),
].sort()

type Json = Record<string, unknown>

function load(file: string): Json {
  return parseJson(readFileSync(join(FIXTURES, file), 'utf8')) as Json
}

function xy(value: unknown): [number, number] {
  const v = value as Record<string, number>
  return Array.isArray(value) ? [value[0] as number, value[1] as number] : [v['0'] as number, v['1'] as number]
}

// The links whose two ends exist (a node with that id and that slot):
function drawableLinks(workflow: Json): number {
  const nodes = new Map((workflow['nodes'] as Json[]).map((n) => [String(n['id']), n]))
  return ((workflow['links'] as unknown[] | undefined) ?? []).filter((l) => {
    if (l === null) return false
    const [, origin, originSlot, target, targetSlot] = Array.isArray(l) ? l : [0, (l as Json)['origin_id'], (l as Json)['origin_slot'], (l as Json)['target_id'], (l as Json)['target_slot']]
    const from = nodes.get(String(origin))
    const to = nodes.get(String(target))
    return from !== undefined && to !== undefined && ((from['outputs'] as unknown[]) ?? []).length > Number(originSlot) && ((to['inputs'] as unknown[]) ?? []).length > Number(targetSlot)
  }).length
}

function byClass(elements: readonly SvgElement[], name: string, cls: string): SvgElement[] {
  return elements.filter((e) => e.name === name && (e.attributes['class'] ?? '').split(' ').includes(cls))
}

describe('every UI fixture', () => {
  it('covers the fixtures', () => {
    expect(UI_FILES.length).toBeGreaterThan(100)
  })

  it.each(UI_FILES)('%s: well-formed SVG, node boxes at the positions in the file, one path per link', (file) => {
    const workflow = load(file)
    const result = renderWorkflowSvg(workflow, { defs: coreDefs, file })
    const elements = parseSvg(result.svg)
    expect(elements[0]?.name).toBe('svg')
    const nodes = workflow['nodes'] as Json[]
    const boxes = byClass(elements, 'rect', 'node-box')
    expect(boxes).toHaveLength(nodes.length)
    for (const node of nodes) {
      const box = boxes.find((b) => b.attributes['data-id'] === String(node['id']))
      const [x, y] = xy(node['pos'])
      expect(Number(box?.attributes['x']), `node ${String(node['id'])}`).toBeCloseTo(x, 1)
      expect(Number(box?.attributes['y']), `node ${String(node['id'])}`).toBeCloseTo(y - 30, 1)
    }
    const links = byClass(elements, 'path', 'link')
    expect(links).toHaveLength(drawableLinks(workflow))
    expect(result.links).toBe(links.length)
    expect(byClass(elements, 'g', 'group')).toHaveLength(((workflow['groups'] as unknown[] | undefined) ?? []).length)
    // Without definitions the widgets are named from the file; the drawing is the same shape:
    const plain = parseSvg(renderWorkflowSvg(workflow, { file }).svg)
    expect(byClass(plain, 'rect', 'node-box')).toHaveLength(nodes.length)
  })
})

describe('renderWorkflowSvg', () => {
  it('draws a small workflow exactly as the snapshot', async () => {
    const svg = renderWorkflowSvg(load('ui/browser_tests__default.json'), { defs: coreDefs }).svg
    await expect(svg).toMatchFileSnapshot('__snapshots__/browser_tests__default.svg')
    expect(renderWorkflowSvg(load('ui/browser_tests__default.json'), { defs: coreDefs }).svg).toBe(svg)
  })

  it('colours links by type as the editor does, from output port to input port', () => {
    const workflow = load('ui/browser_tests__default.json')
    const elements = parseSvg(renderWorkflowSvg(workflow, { defs: coreDefs }).svg)
    const colours = new Map(byClass(elements, 'path', 'link').map((p) => [p.attributes['data-type'], p.attributes['stroke']]))
    expect(Object.fromEntries(colours)).toEqual({ MODEL: '#B39DDB', CLIP: '#FFD500', CONDITIONING: '#FFA931', LATENT: '#FF9CF9', VAE: '#FF6E6E', IMAGE: '#64B5F6' })
    // Link 1 runs from output 0 (MODEL) of node 4 to input 0 of node 3 (KSampler): right edge to left edge.
    const nodes = workflow['nodes'] as Json[]
    const node = (id: number): Json => nodes.find((n) => n['id'] === id) as Json
    const [x4, y4] = xy(node(4)['pos'])
    const [w4] = xy(node(4)['size'])
    const [x3, y3] = xy(node(3)['pos'])
    const d = byClass(elements, 'path', 'link').find((p) => p.attributes['data-id'] === '1')?.attributes['d'] ?? ''
    const numbers = d.match(/-?[\d.]+/g)?.map(Number) ?? []
    expect(numbers.slice(0, 2)).toEqual([x4 + w4 - 10, y4 + 14])
    expect(numbers.slice(-2)).toEqual([x3 + 10, y3 + 14])
  })

  it('names widgets and shows their values as the editor does', () => {
    const elements = parseSvg(renderWorkflowSvg(load('ui/browser_tests__default.json'), { defs: coreDefs }).svg)
    const texts = elements.filter((e) => e.name === 'text').map((e) => e.text)
    // Titles: the class's display name where the file has no title of its own, as the editor shows them:
    expect(texts).toEqual(expect.arrayContaining(['Load Checkpoint', 'CLIP Text Encode (Prompt)', 'Empty Latent Image', 'VAE Decode', 'Save Image']))
    expect(texts).toEqual(expect.arrayContaining(['seed', '156680208700286', 'control_after_generate', 'true', 'cfg', '8.0', 'denoise', '1.00', 'ckpt_name']))
  })

  it('escapes text and drops characters XML cannot hold', () => {
    const hostile = '<script>alert("x")</script> & \'quotes\' \u0001\uFFFE \uD800 😀'
    const workflow = {
      nodes: [
        { id: 1, type: 'Note', pos: [0, 0], size: [400, 100], title: hostile, widgets_values: [hostile], color: '"/><script>', inputs: [], outputs: [] },
        { id: 2, type: hostile, pos: [500, 0], inputs: [{ name: hostile, type: hostile, link: 1 }], outputs: [] },
        { id: 3, type: 'X', pos: [0, 300], inputs: [], outputs: [{ name: 'out', type: hostile, links: [1] }] },
      ],
      links: [[1, 3, 0, 2, 0, hostile]],
      groups: [{ title: hostile, bounding: [-50, -80, 1000, 500], color: 'url(javascript:1)' }],
    }
    const { svg } = renderWorkflowSvg(workflow)
    const elements = parseSvg(svg)
    expect(elements.some((e) => e.name === 'script')).toBe(false)
    const title = elements.find((e) => e.name === 'title' && e.text.startsWith('#2'))
    expect(title?.text).toBe(`#2 ${hostile.replace('\u0001', '\uFFFD').replace('\uFFFE', '\uFFFD').replace('\uD800', '\uFFFD')}`)
    expect(svg).not.toContain('javascript')
    expect(byClass(elements, 'path', 'link')[0]?.attributes['stroke']).toBe('#9A9')
  })

  it('draws subgraph instances with the definition name, collapsed nodes as their title bar', () => {
    const sub = parseSvg(renderWorkflowSvg(load('ui/browser_tests__subgraphs__nested-subgraph.json')).svg)
    const instance = byClass(sub, 'g', 'subgraph')
    expect(instance).toHaveLength(1)
    expect(sub.filter((e) => e.name === 'text').map((e) => e.text)).toContain('subgraph 2')
    const collapsed = load('ui/browser_tests__widgets__collapsed_multiline.json')
    const box = byClass(parseSvg(renderWorkflowSvg(collapsed).svg), 'rect', 'node-box')[0]
    expect(box?.attributes['height']).toBe('30')
  })

  it('draws links through native reroutes, one curve between each two points, and each reroute once', () => {
    const single = parseSvg(renderWorkflowSvg(load('ui/browser_tests__reroute__single-native-reroute-default-workflow.json')).svg)
    const d = byClass(single, 'path', 'link').find((p) => p.attributes['data-id'] === '3')?.attributes['d'] ?? ''
    expect(d.match(/C/g)).toHaveLength(2)
    expect(d).toContain(' 372.67 415.33 C')
    expect(byClass(single, 'circle', 'reroute')).toEqual([expect.objectContaining({ attributes: expect.objectContaining({ cx: '372.67', cy: '415.33', fill: '#FFD500' }) })])
    // Chains of reroutes shared by several links (the litegraph test fixture): 6 reroutes with links, each drawn once.
    const complex = parseSvg(renderWorkflowSvg(load('ui/src__lib__litegraph__src____fixtures____assets__reroutesComplex.json')).svg)
    expect(byClass(complex, 'path', 'link')).toHaveLength(6)
    const dots = byClass(complex, 'circle', 'reroute').map((c) => `${c.attributes['cx']},${c.attributes['cy']}`)
    expect(new Set(dots).size).toBe(dots.length)
  })

  it('leaves out links to missing nodes or slots, with a warning naming the link', () => {
    const result = renderWorkflowSvg(load('ui/browser_tests__links__bad_link.json'), { file: 'bad_link.json' })
    expect(result.links).toBe(0)
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'dangling_link', path: ['links', 0] })])
    expect(result.warnings[0]?.message).toContain('link 3')
  })

  it('draws an empty workflow as an empty picture', () => {
    const result = renderWorkflowSvg({ nodes: [], links: [] })
    expect(parseSvg(result.svg).map((e) => e.name)).toEqual(['svg', 'rect', 'g'])
  })

  it('throws typed errors with the JSON path for documents it cannot draw', () => {
    const api = { '1': { class_type: 'SaveImage', inputs: {} } }
    expect(() => renderWorkflowSvg(api, { file: 'flow.json' })).toThrow(WorkflowFormatError)
    expect(() => renderWorkflowSvg(api, { file: 'flow.json' })).toThrow(/API prompt.*needs a UI workflow/)
    const noPos = () => renderWorkflowSvg({ nodes: [{ id: 7, type: 'KSampler' }] }, { file: 'flow.json' })
    expect(noPos).toThrow(expect.objectContaining({ path: ['nodes', 0, 'pos'], file: 'flow.json' }))
    expect(noPos).toThrow(/node 7: expected its position \[x, y\]/)
    expect(() => renderWorkflowSvg({ nodes: {} })).toThrow(expect.objectContaining({ path: ['nodes'] }))
    expect(() => renderWorkflowSvg({ nodes: [], links: [7] })).toThrow(expect.objectContaining({ path: ['links', 0] }))
    expect(() => renderWorkflowSvg({ nodes: [], groups: [{ bounding: [0, 0] }] })).toThrow(expect.objectContaining({ path: ['groups', 0, 'bounding'] }))
    expect(() => renderWorkflowSvg([])).toThrow(WorkflowFormatError)
  })
})
