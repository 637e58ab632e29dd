import { describe, expect, test } from 'vitest'
import { uiToApi, type UiToApiOptions } from '../../src/convert/ui-to-api.js'
import { WorkflowFormatError } from '../../src/errors.js'
import { parseJson } from '../../src/json/lossless.js'
import { loadDefs, readFixture } from '../helpers/fixtures.js'
import { uiNode, uiWorkflow } from './ui-workflow-builder.js'

const defs = loadDefs('core026')
const convert = (workflow: unknown, options?: UiToApiOptions) => uiToApi(workflow, defs, options)
const fixture = (name: string): unknown => parseJson(readFixture('workflows', 'ui', name))
const codes = (warnings: readonly { code: string }[]) => warnings.map((w) => w.code)

const ckpt = uiNode(1, 'CheckpointLoaderSimple', {
  outputs: [['MODEL', 'MODEL'], ['CLIP', 'CLIP'], ['VAE', 'VAE']],
  widgets: ['a.safetensors'],
})
const lora = (mode: number) =>
  uiNode(2, 'LoraLoader', {
    mode,
    inputs: [['model', 'MODEL', 1], ['clip', 'CLIP', 2]],
    outputs: [['MODEL', 'MODEL'], ['CLIP', 'CLIP']],
    widgets: ['l.safetensors', 1, 0.5],
  })
const encode = (id: number, link: number, text = 'a cat') =>
  uiNode(id, 'CLIPTextEncode', { inputs: [['clip', 'CLIP', link]], outputs: [['CONDITIONING', 'CONDITIONING']], widgets: [text] })
const loraLinks = [[1, 1, 0, 2, 0, 'MODEL'], [2, 1, 1, 2, 1, 'CLIP'], [4, 2, 1, 3, 0, 'CLIP']]

describe('bypassed and muted nodes', () => {
  test('a bypassed node passes the same slot through when the types fit', () => {
    const { prompt } = convert(uiWorkflow([ckpt, lora(4), encode(3, 4)], loraLinks))
    expect(Object.keys(prompt)).toEqual(['1', '3'])
    expect(prompt['3']?.inputs).toEqual({ text: 'a cat', clip: ['1', 1] })
  })

  test('otherwise the first input of exactly the wanted type, through chains of bypassed nodes', () => {
    const image = uiNode(1, 'LoadImage', { outputs: [['IMAGE', 'IMAGE'], ['MASK', 'MASK']], widgets: ['x.png', 'image'] })
    const swap = (id: number, mask: number, img: number) =>
      uiNode(id, 'Custom Swap', { mode: 4, inputs: [['mask', 'MASK', mask], ['image', 'IMAGE', img]], outputs: [['IMAGE', 'IMAGE']] })
    const save = uiNode(9, 'SaveImage', { inputs: [['images', 'IMAGE', 5]], widgets: ['out'] })
    const links = [[1, 1, 1, 2, 0, 'MASK'], [2, 1, 0, 2, 1, 'IMAGE'], [3, 2, 0, 3, 1, 'IMAGE'], [4, 1, 1, 3, 0, 'MASK'], [5, 3, 0, 9, 0, 'IMAGE']]
    const { prompt } = convert(uiWorkflow([image, swap(2, 1, 2), swap(3, 4, 3), save], links))
    expect(prompt['9']?.inputs).toEqual({ filename_prefix: 'out', images: ['1', 0] })
  })

  test('a bypassed node with no fitting input leaves the input unconnected, with a warning', () => {
    const odd = uiNode(2, 'Custom', { mode: 4, inputs: [['x', 'LATENT', 1]], outputs: [['CLIP', 'CLIP']] })
    const { prompt, warnings } = convert(uiWorkflow([ckpt, odd, encode(3, 4)], [[1, 1, 0, 2, 0, 'MODEL'], [4, 2, 0, 3, 0, 'CLIP']]))
    expect(prompt['3']?.inputs).toEqual({ text: 'a cat' })
    expect(warnings).toMatchObject([{ code: 'bypass_unresolved', path: ['nodes', 1], nodeId: '2' }])
  })

  test('a muted node is left out, and so are the inputs it fed', () => {
    const { prompt, warnings } = convert(uiWorkflow([ckpt, lora(2), encode(3, 4)], loraLinks))
    expect(prompt).toEqual({
      '1': { inputs: { ckpt_name: 'a.safetensors' }, class_type: 'CheckpointLoaderSimple', _meta: { title: 'Load Checkpoint' } },
      '3': { inputs: { text: 'a cat' }, class_type: 'CLIPTextEncode', _meta: { title: 'CLIP Text Encode (Prompt)' } },
    })
    expect(warnings).toEqual([])
  })
})

describe('virtual nodes', () => {
  test('legacy reroutes are followed, native reroutes need nothing', () => {
    const reroute = (id: number, link: number) => uiNode(id, 'Reroute', { inputs: [['', '*', link]], outputs: [['', '*']] })
    const links = [[1, 1, 1, 5, 0, '*'], [2, 5, 0, 6, 0, '*'], [3, 6, 0, 3, 0, 'CLIP']]
    const { prompt } = convert(uiWorkflow([ckpt, reroute(5, 1), reroute(6, 2), encode(3, 3)], links))
    expect(Object.keys(prompt)).toEqual(['1', '3'])
    expect(prompt['3']?.inputs['clip']).toEqual(['1', 1])
    const native = convert(fixture('src__utils__migration____fixtures____reroute__native__single_connected.json')).prompt
    const legacy = convert(fixture('src__utils__migration____fixtures____reroute__legacy__single_connected.json')).prompt
    expect(native['12']?.inputs).toEqual({ vae: ['4', 2] })
    expect(legacy).toEqual(native)
  })

  test('a primitive node gives its value to the widget it feeds, through reroutes, as prompt text too', () => {
    const primitive = uiNode(7, 'PrimitiveNode', { outputs: [['STRING', 'STRING']], widgets: ['{red|blue} // note', 'fixed'] })
    const reroute = uiNode(8, 'Reroute', { inputs: [['', '*', 1]], outputs: [['', '*']] })
    const target = uiNode(3, 'CLIPTextEncode', { inputs: [['clip', 'CLIP', null], ['text', 'STRING', 2, 'text']], widgets: ['old'] })
    const { prompt } = convert(uiWorkflow([primitive, reroute, target], [[1, 7, 0, 8, 0, '*'], [2, 8, 0, 3, 1, 'STRING']]), { random: () => 0.9 })
    expect(prompt).toEqual({ '3': { inputs: { text: 'blue ', }, class_type: 'CLIPTextEncode', _meta: { title: 'CLIP Text Encode (Prompt)' } } })
    const fromFixture = fixture('browser_tests__primitive__primitive_node.json') as { nodes: Record<string, unknown>[] }
    expect(convert(fromFixture).prompt['2']?.inputs['steps']).toBe(20)
    // The editor applies a primitive's value whatever the primitive's mode:
    ;(fromFixture.nodes[1] as Record<string, unknown>)['mode'] = 4
    ;(fromFixture.nodes[1] as Record<string, unknown>)['widgets_values'] = [33, 'fixed']
    expect(convert(fromFixture).prompt['2']?.inputs['steps']).toBe(33)
  })

  test('notes and unknown editor-only classes passed as virtualTypes are left out', () => {
    const note = uiNode(5, 'Note', { widgets: ['hello'] })
    const label = uiNode(6, 'My Label', { widgets: ['x'] })
    expect(Object.keys(convert(uiWorkflow([ckpt, note, label]), { virtualTypes: ['My Label'] }).prompt)).toEqual(['1'])
  })
})

describe('links that point nowhere', () => {
  test('an unknown link id or origin node is an unconnected input, with a warning naming the input', () => {
    const target = uiNode(3, 'KSampler', {
      inputs: [['model', 'MODEL', 99], ['steps', 'INT', 7, 'steps']],
      widgets: [5, 'fixed', 12, 8, 'euler', 'normal', 1],
    })
    const { prompt, warnings } = convert(uiWorkflow([target], [[7, 42, 0, 3, 1, 'INT']]), { file: 'w.json' })
    expect(prompt['3']?.inputs).toEqual({ seed: 5, steps: 12, cfg: 8, sampler_name: 'euler', scheduler: 'normal', denoise: 1 })
    expect(warnings).toMatchObject([
      { code: 'dangling_link', path: ['nodes', 0, 'inputs', 0, 'link'] },
      { code: 'dangling_link', path: ['nodes', 0, 'inputs', 1, 'link'] },
    ])
  })

  test('links that loop through reroutes are an error naming the file and where', () => {
    const loop = [uiNode(5, 'Reroute', { inputs: [['', '*', 1]], outputs: [['', '*']] }), uiNode(6, 'Reroute', { inputs: [['', '*', 2]], outputs: [['', '*']] })]
    const workflow = uiWorkflow([...loop, encode(3, 3)], [[1, 6, 0, 5, 0, '*'], [2, 5, 0, 6, 0, '*'], [3, 5, 0, 3, 0, 'CLIP']])
    expect(() => convert(workflow, { file: 'loop.json' })).toThrow(WorkflowFormatError)
    expect(() => convert(workflow, { file: 'loop.json' })).toThrow(/^loop\.json: \$\.nodes\[\d\]\.(inputs|outputs)\[0\]: the links loop back/)
  })
})

describe('widget values', () => {
  const sampler = (widgets: unknown[]) => uiWorkflow([uiNode(3, 'KSampler', { widgets })])

  test.each([
    ['current editor', [5, 'randomize', 20, 7.5, 'euler', 'karras', 0.5], []],
    ['2023 editor: a randomize toggle', [5, true, 20, 7.5, 'euler', 'karras', 0.5], []],
    ['early 2023 editor: no control widget', [5, 20, 7.5, 'euler', 'karras', 0.5], ['widget_layout_legacy']],
  ])('%s', (_, widgets, warned) => {
    const { prompt, warnings } = convert(sampler(widgets))
    expect(prompt['3']?.inputs).toEqual({ seed: 5, steps: 20, cfg: 7.5, sampler_name: 'euler', scheduler: 'karras', denoise: 0.5 })
    expect(codes(warnings)).toEqual(warned)
  })

  test('before frontend 1.16 a forceInput input kept a slot', () => {
    const node = uiNode(4, 'ShuffleImageTextDataset', { widgets: ['', 9, 'fixed'] })
    const { prompt, warnings } = convert(uiWorkflow([node]))
    expect(prompt['4']?.inputs).toEqual({ seed: 9 })
    expect(codes(warnings)).toEqual(['widget_layout_legacy'])
  })

  test('missing values take the defaults, as in the editor', () => {
    const { prompt, warnings } = convert(sampler([5, 'fixed', 20]))
    expect(prompt['3']?.inputs).toEqual({ seed: 5, steps: 20, cfg: 8, sampler_name: 'euler', scheduler: 'simple', denoise: 1 })
    expect(codes(warnings)).toEqual(Array(4).fill('widget_default_used'))
  })

  test('V3 DynamicCombo: the chosen option’s widgets follow it, with dotted names', () => {
    const node = uiNode(5, 'ResizeImageMaskNode', { widgets: ['scale dimensions', 512, 768, 'center', 'area'] })
    expect(convert(uiWorkflow([node])).prompt['5']?.inputs).toEqual({
      resize_type: 'scale dimensions',
      'resize_type.width': 512,
      'resize_type.height': 768,
      'resize_type.crop': 'center',
      scale_method: 'area',
    })
  })

  test('list values are wrapped; dict-shaped values are read by name', () => {
    const list = uiNode(6, 'Custom List', { inputs: [['items', 'LIST', null, 'items']], widgets: [[1, 2]] })
    const dict = uiNode(7, 'EmptyLatentImage', { widgets: { width: 64, height: 32, batch_size: 2, videopreview: {} } })
    const { prompt } = convert(uiWorkflow([list, dict]))
    expect(prompt['6']?.inputs).toEqual({ items: { __value__: [1, 2] } })
    expect(prompt['7']?.inputs).toEqual({ width: 64, height: 32, batch_size: 2 })
  })

  test('recent editors write values by name too; those win over positions', () => {
    const node = { ...uiNode(3, 'KSampler', { widgets: [1, 2, 3] }), widgets_values_named: { seed: 7, control_after_generate: 'fixed', steps: 4, cfg: 2, sampler_name: 'ddim', scheduler: 'simple', denoise: 0.3 } }
    const custom = { ...uiNode(4, 'Custom'), widgets_values_named: { mode: 'a', upload: 'image' } }
    const { prompt } = convert(uiWorkflow([node, custom]))
    expect(prompt['3']?.inputs).toEqual({ seed: 7, steps: 4, cfg: 2, sampler_name: 'ddim', scheduler: 'simple', denoise: 0.3 })
    expect(prompt['4']?.inputs).toEqual({ mode: 'a' })
  })

  test('unknown classes: named from the widget sockets the editor saves, else reported', () => {
    const named = uiNode(6, 'Custom Sampler', {
      inputs: [['model', 'MODEL', null], ['seed', 'INT', null, 'seed'], ['mode', 'COMBO', null, 'mode']],
      widgets: [3, 'increment', 'fast'],
    })
    const unnamed = uiNode(7, 'Old Custom', { widgets: [1, 2] })
    const { prompt, warnings } = convert(uiWorkflow([named, unnamed]))
    expect(prompt['6']?.inputs).toEqual({ seed: 3, mode: 'fast' })
    expect(prompt['7']?.inputs).toEqual({})
    expect(warnings.map((w) => [w.code, w.nodeId])).toEqual([
      ['unknown_class', '6'],
      ['unknown_class', '7'],
      ['widgets_unmapped', '7'],
    ])
  })

  test('dynamic prompts are resolved as the editor does, or kept on request', () => {
    const workflow = uiWorkflow([encode(3, 9, 'a {red|{dark|light} blue} cat /* x */ \\{ok\\}')])
    const resolved = convert(workflow, { random: () => 0.99 })
    expect(resolved.prompt['3']?.inputs['text']).toBe('a light blue cat  {ok}')
    expect(codes(resolved.warnings)).toContain('dynamic_prompt_randomized')
    expect(convert(workflow, { dynamicPrompts: 'keep' }).prompt['3']?.inputs['text']).toBe('a {red|{dark|light} blue} cat /* x */ \\{ok\\}')
  })

  test('save nodes expand %date:...% and %Node.widget% in filename_prefix, as the editor does', () => {
    const sampler = { ...uiNode(3, 'KSampler', { widgets: [42, 'fixed', 20, 8, 'euler', 'normal', 1] }), properties: { 'Node name for S&R': 'KSampler' } }
    const save = uiNode(9, 'SaveImage', { widgets: ['%date:yyyy-MM-dd_hh%/%KSampler.seed%-%Load Checkpoint.ckpt_name%-%width%-%Nope.x%'] })
    const now = () => new Date(2024, 4, 7, 9, 30)
    const { prompt, warnings } = convert(uiWorkflow([ckpt, sampler, save]), { now })
    expect(prompt['9']?.inputs['filename_prefix']).toBe('2024-05-07_09/42-a.safetensors-%width%-%Nope.x%')
    expect(codes(warnings)).toEqual(['date_in_text'])
  })

  test('titles: the node’s own, else the display name', () => {
    const titled = uiNode(4, 'EmptyLatentImage', { title: 'Canvas', widgets: [8, 8, 1] })
    const { prompt } = convert(uiWorkflow([ckpt, titled]))
    expect([prompt['1']?._meta?.title, prompt['4']?._meta?.title]).toEqual(['Load Checkpoint', 'Canvas'])
  })
})

describe('schema version 1', () => {
  test('links as objects convert like links as arrays', () => {
    const v04 = uiWorkflow([ckpt, lora(0), encode(3, 4)], loraLinks)
    const v1 = {
      version: 1,
      state: { lastGroupId: 0, lastNodeId: 3, lastLinkId: 4, lastRerouteId: 0 },
      nodes: v04['nodes'],
      links: loraLinks.map(([id, o, os, t, ts, type]) => ({ id, origin_id: o, origin_slot: os, target_id: t, target_slot: ts, type })),
    }
    expect(convert(v1).prompt).toEqual(convert(v04).prompt)
  })
})

describe('subgraphs', () => {
  test('inner nodes get execution ids outer:inner, at any depth, and outer links reach them', () => {
    const { prompt } = convert(fixture('browser_tests__subgraphs__subgraph-nested-promotion.json'))
    expect(Object.keys(prompt)).toEqual(['1', '2', '5:4', '5:3', '5:6:11', '5:6:10', '5:6:9:8', '5:6:9:7'])
    expect(prompt['2']?.inputs).toMatchObject({ source: ['5:6:9:7', 0] })
    expect(prompt['5:3']?.inputs).toMatchObject({ string_a: ['1', 0], string_b: ['5:4', 0] })
    expect(prompt['5:6:10']?.inputs).toMatchObject({ string_a: ['5:3', 0], string_b: ['5:6:11', 0] })
    expect(prompt['5:6:9:7']?.inputs).toMatchObject({ string_a: ['5:6:10', 0], string_b: ['5:6:9:8', 0] })
  })

  test('subgraph inputs are fed from outside', () => {
    const { prompt } = convert(fixture('browser_tests__subgraphs__test-values-input-subgraph.json'))
    expect(prompt['19:12']?.inputs).toMatchObject({ seed: ['13', 0], positive: ['19:15', 0] })
    expect(prompt['19:15']?.inputs).toMatchObject({ clip: ['14', 0] })
    expect(prompt['18']?.inputs).toEqual({ images: ['19:16', 0] })
  })

  test('an unconnected subgraph input shows the inner widget it feeds; the instance’s own saved value is not read', () => {
    const workflow = fixture('browser_tests__subgraphs__test-values-input-subgraph.json') as { nodes: Record<string, unknown>[]; links: unknown[] }
    const host = workflow.nodes.find((n) => n['id'] === 19) as Record<string, unknown>
    workflow.links = workflow.links.filter((l) => (l as unknown[])[0] !== 22)
    ;(host['inputs'] as Record<string, unknown>[])[1] = { name: 'seed', type: 'INT', link: null, widget: { name: 'seed' } }
    host['widgets_values'] = [42]
    const definition = (workflow as unknown as { definitions: { subgraphs: Record<string, unknown>[] } }).definitions.subgraphs[0] as Record<string, unknown>
    const sampler = (definition['nodes'] as Record<string, unknown>[]).find((n) => n['id'] === 12) as Record<string, unknown>
    sampler['widgets_values'] = [7, 'fixed', 20, 8, 'euler', 'simple', 1]
    expect(convert(workflow).prompt['19:12']?.inputs['seed']).toBe(7)
  })

  test('the editor makes node ids unique across subgraphs: a clashing inner id takes the next free one', () => {
    const { prompt } = convert(fixture('browser_tests__subgraphs__subgraph-duplicate-links.json'))
    expect(Object.keys(prompt)).toEqual(['2:1', '2:3'])
    expect(prompt['2:1']?.inputs['latent_image']).toEqual(['2:3', 0])
  })

  test('a muted instance runs nothing', () => {
    const workflow = fixture('browser_tests__subgraphs__subgraph-with-promoted-text-widget.json') as { nodes: Record<string, unknown>[] }
    expect(convert(workflow).prompt['11:10']?.inputs).toEqual({ text: '' })
    ;(workflow.nodes[0] as Record<string, unknown>)['mode'] = 2
    expect(convert(workflow).prompt).toEqual({})
  })
})

describe('subgraph definitions that cannot be expanded', () => {
  const definition = (id: string, inner: Record<string, unknown>[]) => ({
    id, name: id, version: 1, state: {}, nodes: inner, links: [], inputs: [], outputs: [],
  })

  test('a subgraph that contains itself is an error at the instance', () => {
    const id = '11111111-1111-1111-1111-111111111111'
    const workflow = { ...uiWorkflow([uiNode(1, id)]), definitions: { subgraphs: [definition(id, [uiNode(5, id)])] } }
    expect(() => convert(workflow, { file: 'self.json' })).toThrow(
      'self.json: $.definitions.subgraphs[0].nodes[0].type: subgraph "11111111-1111-1111-1111-111111111111" contains itself',
    )
  })

  test('nesting that multiplies past the limit is an error, not a hang', () => {
    const ids = Array.from({ length: 7 }, (_, i) => `sub-${i}`)
    const subgraphs = ids.map((id, level) =>
      definition(id, Array.from({ length: 10 }, (_, k) => uiNode(k + 1, ids[level + 1] ?? 'EmptyLatentImage', { widgets: [8, 8, 1] }))),
    )
    const workflow = { ...uiWorkflow([uiNode(1, 'sub-0')]), definitions: { subgraphs } }
    expect(() => convert(workflow)).toThrow(/expands to more than 250000 nodes/)
  })
})

describe('legacy group nodes', () => {
  test('inner nodes run as <instance>:<index>; the instance’s values fill the group’s widgets in the editor’s order', () => {
    // The editor's group definition makes widgets of the INT/FLOAT inputs first and of the list combos after; the
    // instance's values (saved in the inner nodes' own order) land shifted, and the editor sends them so:
    const { prompt } = convert(fixture('browser_tests__groupnodes__legacy_group_node.json'))
    expect(Object.keys(prompt)).toEqual(['15:0', '15:1'])
    expect(prompt['15:0']).toMatchObject({ class_type: 'KSamplerAdvanced', inputs: { add_noise: 'enable', noise_seed: 'enable', steps: 'randomize', end_at_step: 'euler' } })
    expect(prompt['15:1']).toMatchObject({ class_type: 'KSampler', inputs: { seed: 0, steps: 20, denoise: 'euler' } })
  })

  test('a group whose inner classes are unknown is left out, with a warning', () => {
    const workflow = fixture('browser_tests__groupnodes__legacy_group_node.json')
    const { prompt, warnings } = uiToApi(workflow, { classes: new Map() })
    expect(prompt).toEqual({})
    expect(warnings).toMatchObject([{ code: 'group_node_unavailable', nodeId: '15' }])
  })
})

describe('what the editor does that a reader might not expect', () => {
  test('a primitive node writes into the target’s widget; an input whose widget the node lacks gets nothing', () => {
    const { prompt, warnings } = convert(fixture('browser_tests__inputs__renamed_converted_widget.json'))
    expect(prompt['3']?.inputs).toEqual({ width: 512, height: 512, batch_size: 1 })
    expect(warnings).toMatchObject([{ code: 'primitive_unapplied', nodeId: '3', path: ['nodes', 0, 'inputs', 0] }])
  })

  test('a document without nodes queues an empty prompt, with a warning', () => {
    expect(convert({ version: 0.4, links: [], extra: {} })).toEqual({
      prompt: {},
      warnings: [{ code: 'no_nodes', message: expect.stringContaining('no "nodes"'), path: ['nodes'] }],
    })
  })

  test('extension-only classes (rgthree reroutes) are virtual unless asked to convert as a bare editor does', () => {
    const workflow = fixture('comfyscript__rgthree-reroute.ui.json')
    expect(convert(workflow).prompt['3']?.inputs['positive']).toEqual(['6', 0])
    const bare = convert(workflow, { extensionVirtualTypes: false }).prompt
    expect(bare['3']?.inputs['positive']).toEqual(['12', 0])
    expect(bare['12']?.class_type).toBe('Reroute (rgthree)')
  })

  test('editor bug not followed: links into a legacy group node through an inner Reroute are kept', () => {
    // Editor 1.43.5 drops these links (its group node code resolves an inner Reroute to nothing), and the server
    // then rejects the prompt for missing inputs; the converter keeps them, which is what the workflow means.
    const workflow = parseJson(readFixture('workflows', 'pairs', 'edit_models__sdxl_edit_model.ui.json'))
    const { prompt } = convert(workflow)
    expect(prompt['37:3']?.inputs['model']).toEqual(['4', 0])
    expect(prompt['37:6']?.inputs).toMatchObject({ positive: ['6', 0], negative: ['7', 0], pixels: ['13', 0] })
  })
})
