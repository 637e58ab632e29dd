import { describe, expect, test } from 'vitest'
import { node, nodeFactory } from '../../src/dsl/node.js'
import type { NodeHandle, Output } from '../../src/dsl/output.js'
import { postOrder } from '../../src/graph/post-order.js'
import { buildPrompt, toPrompt, toPromptJson } from '../../src/dsl/prompt.js'
import { InvalidArgumentError, SerializationError, UnknownNodeClassError } from '../../src/errors.js'
import { loadDefs } from '../helpers/fixtures.js'

const defs = loadDefs('core026')
const n = nodeFactory(defs)

function txt2img(seed: number | bigint = 1) {
  const ckpt = n('CheckpointLoaderSimple', { ckpt_name: 'v1-5.safetensors' })
  const pos = n('CLIPTextEncode', { text: 'a cat', clip: ckpt.out(1) })
  const neg = n('CLIPTextEncode', { text: 'blurry', clip: ckpt.out(1) })
  const latent = n('EmptyLatentImage', { width: 512, height: 512 })
  const sample = n('KSampler', {
    model: ckpt.out(0), seed, sampler_name: 'euler', scheduler: 'normal',
    positive: pos.out(0), negative: neg.out(0), latent_image: latent.out(0),
  })
  const image = n('VAEDecode', { samples: sample.out(0), vae: ckpt.out(2) })
  return n('SaveImage', { images: image.out(0), filename_prefix: 'out' })
}

describe(toPrompt.name, () => {
  test('walks back from the outputs, ids in dependency order, defaults filled', () => {
    const prompt = toPrompt(txt2img())
    expect(Object.keys(prompt)).toEqual(['1', '2', '3', '4', '5', '6', '7'])
    expect(prompt['5']).toEqual({
      class_type: 'KSampler',
      inputs: {
        seed: 1, steps: 20, cfg: 8, denoise: 1,
        model: ['1', 0], sampler_name: 'euler', scheduler: 'normal',
        positive: ['2', 0], negative: ['3', 0], latent_image: ['4', 0],
      },
    })
    expect(prompt['4']?.inputs).toEqual({ width: 512, height: 512, batch_size: 1 })
  })

  test('same code, same bytes', () => {
    expect(toPromptJson([txt2img()])).toBe(toPromptJson([txt2img()]))
  })

  test('only what the outputs reach', () => {
    const ckpt = n('CheckpointLoaderSimple', { ckpt_name: 'a.safetensors' })
    n('CLIPTextEncode', { text: 'unused', clip: ckpt.out(1) })
    const prompt = toPrompt(n('PreviewAny', { source: ckpt.out(0) }))
    expect(Object.values(prompt).map((x) => x.class_type)).toEqual(['CheckpointLoaderSimple', 'PreviewAny'])
  })

  test('pinned ids and titles', () => {
    const ckpt = n('CheckpointLoaderSimple', { ckpt_name: 'a.safetensors' }, { id: 1 })
    const preview = n('PreviewAny', { source: ckpt.out(0) }, { id: '9', title: 'Peek' })
    const other = n('PreviewAny', { source: ckpt.out(2) })
    const prompt = toPrompt(preview, other)
    expect(prompt).toEqual({
      '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'a.safetensors' } },
      '9': { class_type: 'PreviewAny', inputs: { source: ['1', 0] }, _meta: { title: 'Peek' } },
      '2': { class_type: 'PreviewAny', inputs: { source: ['1', 2] } },
    })
  })

  test('two nodes pinning one id is an error', () => {
    const a = n('EmptyImage', {}, { id: 5 })
    const b = n('EmptyImage', { width: 8 }, { id: 5 })
    expect(() => toPrompt(n('PreviewImage', { images: a.out(0) }), n('PreviewImage', { images: b.out(0) }))).toThrow(
      SerializationError,
    )
  })

  test('literal lists are wrapped, objects pass through', () => {
    const p = toPrompt(node('Custom', { list: [1, 2, 3], box: { x: 1, y: 2 } }))
    expect(p['1']?.inputs).toEqual({ list: { __value__: [1, 2, 3] }, box: { x: 1, y: 2 } })
  })

  test('seeds above 2^53 stay exact', () => {
    const json = toPromptJson([txt2img(18446744073709551615n)])
    expect(json).toContain('"seed":18446744073709551615')
  })

  test.each([
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [() => 1, 'function'],
    [Symbol('x'), 'symbol'],
    [new Date(0), 'not a plain JSON value'],
  ])('%s is rejected with node id and input name', (value, reason) => {
    const bad = node('PrimitiveFloat', { value: value as never })
    let error: unknown
    try {
      toPrompt(bad)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(SerializationError)
    expect((error as SerializationError).nodeId).toBe('1')
    expect((error as SerializationError).inputName).toBe('value')
    expect(String(error)).toContain(reason)
  })

  test('a link nested in a literal is rejected', () => {
    const img = node('EmptyImage', {})
    expect(() => toPrompt(node('X', { list: [img.out(0)] }))).toThrow(/link inside a list/)
  })

  test('10,000-node chain does not overflow the stack', () => {
    let last = n('EmptyImage', {})
    for (let i = 0; i < 10_000; i++) last = n('ImageInvert', { image: last.out(0) })
    const { prompt, ids } = buildPrompt([last])
    expect(Object.keys(prompt)).toHaveLength(10_001)
    expect(ids.get(last)).toBe('10001')
  })

  // The brands are shared through the symbol registry, so a handle from another copy of the package is a handle;
  // it has none of this copy's walk marks, and the graph is walked with a Map instead, to the same prompt:
  const foreignNode = (classType: string, inputs: Record<string, unknown>): NodeHandle & { self: Output } => {
    const handle = { [Symbol.for('comfy-dsl.node')]: true, classType, inputs, id: undefined, title: undefined, outputTypes: ['IMAGE'] }
    const self = { [Symbol.for('comfy-dsl.output')]: true, node: handle, slot: 0, type: 'IMAGE' }
    return Object.assign(handle, { self }) as unknown as NodeHandle & { self: Output }
  }

  test('handles made by another copy of the package serialize like this copy\'s', () => {
    const empty = n('EmptyImage', {})
    const foreign = foreignNode('ImageInvert', { image: empty.out(0) })
    const save = n('SaveImage', { images: foreign.self, filename_prefix: 'x' })
    const prompt = toPrompt(save)
    expect(prompt).toEqual({
      '1': { class_type: 'EmptyImage', inputs: { width: 512, height: 512, batch_size: 1, color: 0 } },
      '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
      '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'x' } },
    })
    expect(toPromptJson([save])).toBe(JSON.stringify(prompt))
  })

  test('ids follow the shared post-order walk on a random graph with shared nodes and repeated roots', () => {
    // A deterministic pseudo-random DAG: every node links to up to three earlier ones.
    let state = 7
    const random = (n: number): number => ((state = (state * 1103515245 + 12345) % 2 ** 31), state % n)
    const handles: NodeHandle[] = []
    for (let i = 0; i < 300; i++) {
      const inputs: Record<string, unknown> = { index: i }
      for (let k = 0; k < 3 && handles.length > 0; k++) if (random(2) === 0) inputs[`in${k}`] = (handles[random(handles.length)] as NodeHandle & { out(i: number): Output }).out(0)
      handles.push(node('Any', inputs))
    }
    const roots = [handles[299], handles[150], handles[299], handles[42]] as NodeHandle[]
    const links = (h: NodeHandle): NodeHandle[] => Object.values(h.inputs).flatMap((v) => (typeof v === 'object' && v !== null && 'slot' in v ? [(v as Output).node] : []))
    const expected = postOrder(roots, links)
    const { ids } = buildPrompt(roots)
    expect([...ids.keys()]).toEqual(expected)
    expect([...ids.values()]).toEqual(expected.map((_, i) => String(i + 1)))
  })

  test('a cycle through a mutable handle is an error', () => {
    const foreign = foreignNode('ImageInvert', {})
    ;(foreign.inputs as Record<string, unknown>)['image'] = n('ImageInvert', { image: foreign.self }).out(0)
    expect(() => toPrompt(foreign)).toThrow(/cycle through ImageInvert/)
  })
})

describe(node.name, () => {
  test('unknown class suggests close names', () => {
    expect(() => node('KSampelr', {}, { defs })).toThrow(UnknownNodeClassError)
    try {
      node('ksampler', {}, { defs })
    } catch (e) {
      expect((e as UnknownNodeClassError).suggestions[0]).toBe('KSampler')
      expect(String(e)).toContain('did you mean "KSampler"')
    }
  })

  test('named outputs where unique; out() past the end throws', () => {
    const ckpt = n('CheckpointLoaderSimple', { ckpt_name: 'a' }) as unknown as Record<string, unknown> & {
      out(i: number): unknown
    }
    expect(ckpt['CLIP']).toBe(ckpt.out(1))
    expect(() => ckpt.out(3)).toThrow(InvalidArgumentError)
  })

  test('V3 dynamic inputs flatten to dotted keys', () => {
    const img = n('EmptyImage', {})
    const batch = n('BatchImagesNode', { images: [img.out(0), img.out(0)] })
    expect(toPrompt(batch)['2']?.inputs).toEqual({ 'images.image0': ['1', 0], 'images.image1': ['1', 0] })
    const resize = n('ResizeImageMaskNode', {
      input: img.out(0),
      resize_type: { key: 'scale dimensions', width: 64, height: 32, crop: 'center' },
      scale_method: 'area',
    })
    expect(toPrompt(resize)['2']?.inputs).toEqual({
      input: ['1', 0],
      resize_type: 'scale dimensions',
      'resize_type.width': 64,
      'resize_type.height': 32,
      'resize_type.crop': 'center',
      scale_method: 'area',
    })
  })
})

describe('__proto__ keys', () => {
  test('an input or literal key named __proto__ is kept as data, never as a prototype', () => {
    const p = toPrompt(node('Custom', JSON.parse('{"__proto__": 1, "box": {"__proto__": {"x": 2}}}') as Record<string, unknown>))
    const inputs = p['1']?.inputs as Record<string, unknown>
    expect(Object.keys(inputs)).toEqual(['__proto__', 'box'])
    expect(JSON.stringify(p)).toBe('{"1":{"class_type":"Custom","inputs":{"__proto__":1,"box":{"__proto__":{"x":2}}}}}')
    expect(Object.getPrototypeOf(inputs)).toBe(Object.prototype)
  })
})

describe(toPromptJson.name, () => {
  // toPromptJson builds its own JSON-ready prompt; it must give exactly the bytes of stringifyJson(toPrompt()):
  test('writes exactly what stringifyJson(toPrompt()) writes, whatever the graph holds', async () => {
    const { stringifyJson } = await import('../../src/json/lossless.js')
    const ckpt = n('CheckpointLoaderSimple', { ckpt_name: 'm.safetensors' }, { id: 'loader' })
    const text = n('CLIPTextEncode', { text: 'quote " backslash \\ newline \n tab \t lone \ud800 emoji 😀', clip: ckpt.out(1) }, { id: 12, title: 'Prompt "1"' })
    const latent = n('EmptyLatentImage', { width: 512, height: 512 }, { id: 3 })
    const sample = n('KSampler', {
      model: ckpt.out(0), seed: 18446744073709551615n, steps: 20, cfg: -0, denoise: 1e-7, sampler_name: 'euler', scheduler: 'normal',
      positive: text.out(0), negative: text.out(0), latent_image: latent.out(0),
    })
    const custom = node('Custom', {
      list: [1, 2n ** 60n, 'x', { deep: [-(2n ** 70n), 7n] }],
      object: { a: 1n, ['__proto__']: { b: 2 }, c: null, d: true },
      big: 9007199254740993n,
      small: 5n,
      flag: false,
      none: null,
      image: sample.out(0),
    })
    const roots = [custom, n('SaveImage', { images: n('VAEDecode', { samples: sample.out(0), vae: ckpt.out(2) }).out(0), filename_prefix: 'x' })]
    expect(toPromptJson(roots)).toBe(stringifyJson(toPrompt(...roots)))
    expect(toPromptJson(roots, 2)).toBe(stringifyJson(toPrompt(...roots), 2))
    expect(toPromptJson(roots)).toContain('"seed":18446744073709551615')
    expect(toPromptJson(roots)).toContain('"deep":[-1180591620717411303424,7]')
    expect(toPromptJson([txt2img(7n)])).toBe(stringifyJson(toPrompt(txt2img(7n))))
    // A record JSON as it is (written as the handle holds it): undefined left out, __proto__ kept as a key:
    const plain = node('Plain', JSON.parse('{"a":"x","b":true,"c":null,"__proto__":1,"7":2.5}') as Record<string, unknown>, { title: 't' })
    const withUndefined = node('Plain', { a: 'y', skipped: undefined, z: -0 })
    expect(toPromptJson([plain, withUndefined])).toBe(stringifyJson(toPrompt(plain, withUndefined)))
    expect(toPromptJson([plain, withUndefined])).toBe(
      '{"1":{"class_type":"Plain","inputs":{"7":2.5,"a":"x","b":true,"c":null,"__proto__":1},"_meta":{"title":"t"}},"2":{"class_type":"Plain","inputs":{"a":"y","z":0}}}',
    )
  })

  test('rejects what JSON cannot carry, as toPrompt does', () => {
    const bad = node('Custom', { value: Number.NaN })
    expect(() => toPromptJson([bad])).toThrow(SerializationError)
    expect(() => toPromptJson([node('Custom', { list: [() => 1] as never })])).toThrow(/function cannot be written as JSON/)
  })
})
