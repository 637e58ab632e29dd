/** validate(): the server's rules on small hand-built prompts (the recorded verdicts cover the rest). */
import { describe, expect, it } from 'vitest'
import { normalizeObjectInfo } from '../../src/defs/normalize.js'
import { parsePythonJson, validate, type Verdict } from '../../src/validate/index.js'
import { INTERNAL_SERVER_ERROR_TEXT } from '../../src/validate/types.js'
import { loadDefs } from '../helpers/fixtures.js'
import { verdictDefs } from './verdict-cases.js'

const latest = loadDefs('core026')
const v080 = verdictDefs()

const types = (verdict: Verdict): Record<string, string[]> =>
  Object.fromEntries(Object.entries(verdict.nodeErrors).map(([id, n]) => [id, n.errors.map((e) => e.type).sort()]))

const image = (extra: Record<string, unknown> = {}) => ({
  '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color: 0, ...extra } },
  '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
})

describe('verdicts', () => {
  it('accepts a valid prompt and names the outputs that run', () => {
    const verdict = validate(image(), latest)
    expect(verdict).toMatchObject({ accepted: true, status: 200, outputs: ['2'], nodeErrors: {}, issues: [] })
    expect(verdict.response({ promptId: 'p', number: 3 })).toEqual({ prompt_id: 'p', number: 3, node_errors: {} })
  })

  it('drops a broken output and runs the others (200 with node_errors)', () => {
    const prompt = { ...image(), '3': { class_type: 'SaveImage', inputs: { filename_prefix: 'x' } } }
    const verdict = validate(prompt, latest)
    expect(verdict.status).toBe(200)
    expect(verdict.outputs).toEqual(['2'])
    expect(verdict.nodeErrors['3']).toMatchObject({ dependent_outputs: ['3'], class_type: 'SaveImage' })
    expect(types(verdict)).toEqual({ '3': ['required_input_missing'] })
  })

  it('reports an upstream error once, under every output that depends on it', () => {
    const prompt = {
      ...image({ width: 0 }),
      '3': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'x' } },
    }
    const verdict = validate(prompt, latest)
    expect(verdict.status).toBe(400)
    expect(verdict.error).toMatchObject({ type: 'prompt_outputs_failed_validation', details: '' })
    expect(verdict.nodeErrors['1']?.dependent_outputs).toEqual(['2', '3'])
    expect(Object.keys(verdict.nodeErrors)).toEqual(['1'])
  })

  it('puts the output node\'s own errors in the top-level details', () => {
    const verdict = validate({ '2': { class_type: 'PreviewImage', inputs: {} } }, latest)
    expect(verdict.error?.details).toBe('Required input is missing: images')
  })

  it('rejects prompts without output nodes, or whose targets select none', () => {
    expect(validate({ '1': image()['1'] }, latest).error?.type).toBe('prompt_no_outputs')
    expect(validate([], latest).error?.type).toBe('prompt_no_outputs')
    expect(validate(image(), latest, { partialExecutionTargets: [] }).error?.type).toBe('prompt_no_outputs')
    expect(validate(image(), latest, { partialExecutionTargets: [2] }).error?.type).toBe('prompt_no_outputs')
    // A string target is searched as a substring, as Python's `in` does:
    expect(validate(image(), latest, { partialExecutionTargets: '12' }).outputs).toEqual(['2'])
    expect(validate(image(), latest, { partialExecutionTargets: null }).outputs).toEqual(['2'])
  })

  it('answers 500 where the server crashes outside validation', () => {
    for (const prompt of ['hello', null, 5, true]) {
      const verdict = validate(prompt, latest)
      expect(verdict.status).toBe(500)
      expect(verdict.response()).toBe(INTERNAL_SERVER_ERROR_TEXT)
    }
    expect(validate({ ...image(), '9': null }, latest).status).toBe(500)
    expect(validate({ '1': { class_type: ['EmptyImage'], inputs: {} } }, latest).status).toBe(500)
    expect(validate(image(), latest, { partialExecutionTargets: 5 }).status).toBe(500)
  })

  it('answers no_prompt when there is no prompt at all', () => {
    expect(validate(undefined, latest).response()).toEqual({
      error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} },
    })
  })
})

describe('unknown and missing classes', () => {
  const prompt = parsePythonJson(
    '{"9": {"class_type": "NoSuchFirst", "inputs": {}}, "1": {"class_type": "PreviewImage", "inputs": {}}, "0": {"inputs": {}}}',
  )

  it('names the first offender in JSON order, even when it is unreachable', () => {
    expect(validate(prompt, v080, { serverVersion: '0.8.0' }).error).toEqual({
      type: 'invalid_prompt',
      message: 'Cannot execute because node NoSuchFirst does not exist.',
      details: "Node ID '#9'",
      extra_info: {},
    })
  })

  it('uses missing_node_type from v0.12 on', () => {
    const verdict = validate(prompt, latest)
    expect(verdict.error).toMatchObject({
      type: 'missing_node_type',
      extra_info: { node_id: '9', class_type: 'NoSuchFirst', node_title: null },
    })
    expect(verdict.issues[0]?.path).toEqual(['9', 'class_type'])
  })

  it('follows JS key order only when the JSON order is unknown', () => {
    const plain = JSON.parse(JSON.stringify(prompt)) as unknown
    expect(validate(plain, v080, { serverVersion: '0.8.0' }).error?.details).toBe("Node ID '#0'")
    expect(validate(plain, v080, { serverVersion: '0.8.0', nodeOrder: ['9', '1', '0'] }).error?.details).toBe("Node ID '#9'")
  })
})

describe('cycles', () => {
  const cycle = {
    '1': { class_type: 'ImageInvert', inputs: { image: ['2', 0] } },
    '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
    '3': { class_type: 'PreviewImage', inputs: { images: ['2', 0] } },
  }

  it('before v0.20: the outputs fail without any node error, and lint says why', () => {
    const verdict = validate(cycle, v080, { serverVersion: '0.8.0' })
    expect(verdict.response()).toEqual({
      error: { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: '', extra_info: {} },
      node_errors: {},
    })
    expect(verdict.warnings.map((w) => w.type)).toContain('dependency_cycle')
  })

  it('before v0.20: an output fed by a cycle is dropped silently while others run', () => {
    const prompt = { ...cycle, ...image() }
    const verdict = validate(prompt, v080, { serverVersion: '0.8.0' })
    expect(verdict).toMatchObject({ status: 200, outputs: ['2'], droppedOutputs: ['3'], nodeErrors: {} })
  })

  it('since v0.20: every node of the cycle gets dependency_cycle', () => {
    const verdict = validate(cycle, latest)
    expect(types(verdict)).toEqual({ '1': ['dependency_cycle'], '2': ['dependency_cycle'] })
    expect(verdict.nodeErrors['1']?.errors[0]).toMatchObject({
      details: '2 (ImageInvert) -> 1 (ImageInvert) -> 2 (ImageInvert)',
      extra_info: { node_id: '1', cycle_nodes: ['2', '1'] },
    })
  })

  it('validates a 20,000-node chain without recursion trouble', () => {
    const prompt: Record<string, unknown> = { '0': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } } }
    for (let i = 1; i < 20_000; i++) prompt[String(i)] = { class_type: 'ImageInvert', inputs: { image: [String(i - 1), 0] } }
    prompt['out'] = { class_type: 'PreviewImage', inputs: { images: ['19999', 0] } }
    expect(validate(prompt, latest).accepted).toBe(true)
  })
})

describe('links', () => {
  const withLink = (link: unknown) => ({ ...image(), '2': { class_type: 'PreviewImage', inputs: { images: link } } })

  it.each([
    ['a dangling id', ['99', 0], 'exception_during_validation', "'99'"],
    ['a numeric id', [1, 0], 'exception_during_validation', '1'],
    ['a slot out of range', ['1', 1], 'exception_during_validation', 'tuple index out of range'],
    ['a string slot', ['1', '0'], 'exception_during_validation', 'tuple indices must be integers or slices, not str'],
    ['three elements', ['1', 0, 0], 'bad_linked_input', 'images'],
  ])('%s on the output itself', (_name, link, type, details) => {
    const verdict = validate(withLink(link), latest)
    expect(verdict.nodeErrors['2']?.errors[0]).toMatchObject({ type, details })
  })

  it('a V3 node’s outputs are a list in Python: an out-of-range slot says so', () => {
    const prompt = {
      '1': { class_type: 'PrimitiveInt', inputs: { value: 5 } },
      '2': { class_type: 'PreviewAny', inputs: { source: ['1', 1] } },
    }
    expect(validate(prompt, latest).nodeErrors['2']?.errors[0]).toMatchObject({ type: 'exception_during_validation', details: 'list index out of range' })
  })

  it('reports a bad link of an upstream node on that node, as an inner exception', () => {
    const prompt = {
      '1': { class_type: 'ImageInvert', inputs: { image: ['99', 0] } },
      '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
    }
    expect(validate(prompt, latest).nodeErrors['1']?.errors[0]).toMatchObject({
      type: 'exception_during_inner_validation',
      details: "'99'",
      extra_info: { input_name: 'images', linked_node: ['1', 0], exception_type: 'KeyError' },
    })
  })

  it('reads a float slot as an exception, but a bool slot as an index', () => {
    const floatSlot = parsePythonJson(
      '{"1": {"class_type": "LoadImage", "inputs": {"image": "example.png"}}, "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0.0]}}}',
    )
    expect(types(validate(floatSlot, latest))).toEqual({ '2': ['exception_during_validation'] })
    const boolSlot = { ...image(), '2': { class_type: 'PreviewAny', inputs: { source: ['1', true] } } }
    expect(types(validate(boolSlot, latest))).toEqual({ '2': ['exception_during_validation'] })
    const maskSlot = {
      '1': { class_type: 'LoadImage', inputs: { image: 'example.png' } },
      '2': { class_type: 'PreviewAny', inputs: { source: ['1', -1] } },
    }
    expect(validate(maskSlot, latest).accepted).toBe(true)
  })

  it('matches types by union, wildcard and MATCHTYPE, and not across a V1 combo', () => {
    const resize = {
      '1': { class_type: 'LoadImage', inputs: { image: 'example.png' } },
      '2': {
        class_type: 'ResizeImageMaskNode',
        inputs: { input: ['1', 1], resize_type: 'scale by multiplier', 'resize_type.multiplier': 2, scale_method: 'area' },
      },
      '3': { class_type: 'PreviewAny', inputs: { source: ['2', 0] } },
    }
    expect(validate(resize, latest).accepted).toBe(true)
    const stringIntoCombo = {
      '1': { class_type: 'PrimitiveString', inputs: { value: 'example.png' } },
      '2': { class_type: 'LoadImageMask', inputs: { image: ['1', 0], channel: 'alpha' } },
      '3': { class_type: 'PreviewAny', inputs: { source: ['2', 0] } },
    }
    // LoadImageMask's own validator then receives the linked image as None and raises:
    expect(types(validate(stringIntoCombo, latest))).toEqual({ '2': ['exception_during_inner_validation'] })
  })

  it('does not range-check linked values', () => {
    const prompt = {
      '1': { class_type: 'PrimitiveInt', inputs: { value: 99999 } },
      '2': { class_type: 'EmptyImage', inputs: { width: ['1', 0], height: 8, batch_size: 1, color: 0 } },
      '3': { class_type: 'PreviewImage', inputs: { images: ['2', 0] } },
    }
    expect(validate(prompt, latest).accepted).toBe(true)
  })
})

describe('literal values', () => {
  it.each([
    ['a float for INT', { width: 20.7 }, true],
    ['a numeric string for INT', { width: ' 64 ' }, true],
    ['true for INT', { width: true }, true],
    ['a float string for INT', { width: '7.5' }, false],
    ['NaN for INT', { width: Number.NaN }, false],
    ['a wrapped INT', { width: { __value__: 64 } }, true],
    ['a seed-sized INT above max', { width: 18446744073709551616n }, false],
  ])('%s', (_name, extra, accepted) => {
    expect(validate(image(extra), latest).accepted).toBe(accepted)
  })

  it('accepts anything for STRING and BOOLEAN, and literals for sockets', () => {
    const prompt = {
      '1': { class_type: 'PrimitiveString', inputs: { value: { a: 1 } } },
      '2': { class_type: 'PrimitiveBoolean', inputs: { value: 'false' } },
      '3': { class_type: 'PreviewAny', inputs: { source: 5 } },
      '4': { class_type: 'PreviewAny', inputs: { source: ['1', 0] } },
      '5': { class_type: 'PreviewAny', inputs: { source: ['2', 0] } },
      '6': { class_type: 'ImageInvert', inputs: { image: { __value__: ['1', 0] } } },
      '7': { class_type: 'PreviewImage', inputs: { images: ['6', 0] } },
    }
    const verdict = validate(prompt, latest)
    expect(verdict).toMatchObject({ status: 200, nodeErrors: {} })
    expect(verdict.warnings.filter((w) => w.type === 'value_coerced').map((w) => w.nodeId)).toEqual(['1', '2'])
  })

  it('checks combos with Python equality and summarizes long option lists', () => {
    const prompt = {
      '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
      '2': { class_type: 'ImageScale', inputs: { image: ['1', 0], upscale_method: 0, width: 8, height: 8, crop: 'disabled' } },
      '3': { class_type: 'PreviewImage', inputs: { images: ['2', 0] } },
    }
    expect(validate(prompt, latest).nodeErrors['2']?.errors[0]).toMatchObject({
      type: 'value_not_in_list',
      details: "upscale_method: '0' not in ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos']",
    })
    const sampler = validate({ '1': { class_type: 'KSamplerSelect', inputs: { sampler_name: 'Euler' } }, '2': { class_type: 'PreviewAny', inputs: { source: ['1', 0] } } }, latest)
    expect(sampler.nodeErrors['1']?.errors[0]).toMatchObject({ extra_info: { input_config: null } })
    expect(sampler.nodeErrors['1']?.errors[0]?.details).toMatch(/^sampler_name: 'Euler' not in \(list of length \d+\)$/)
  })

  it('treats a COMBO without options as an empty list, and handles multiselect lists', () => {
    const { defs } = normalizeObjectInfo({
      Pick: {
        input: {
          required: {
            remote: ['COMBO', { remote: { route: '/x' } }],
            tags: ['COMBO', { multiselect: true, options: ['a', 'b', 1] }],
          },
        },
        output: [],
        output_node: true,
      },
    })
    const pick = (remote: unknown, tags: unknown) => validate({ '1': { class_type: 'Pick', inputs: { remote, tags } } }, defs)
    expect(types(pick('x', { __value__: ['a', true] }))).toEqual({ '1': ['value_not_in_list'] })
    expect(types(pick('x', { __value__: ['a', 'c'] }))).toEqual({ '1': ['value_not_in_list', 'value_not_in_list'] })
    // An unwrapped list is a link, whatever the input:
    expect(types(pick('x', ['a', 'b']))).toEqual({ '1': ['exception_during_validation'] })
  })
})

describe('V3 dynamic inputs', () => {
  it('expands Autogrow entries; the first `min` are required and named by their last segment', () => {
    const batch = (inputs: Record<string, unknown>) =>
      validate({ ...image(), '3': { class_type: 'BatchImagesNode', inputs }, '4': { class_type: 'PreviewImage', inputs: { images: ['3', 0] } } }, latest)
    expect(batch({ 'images.image0': ['1', 0], 'images.image1': ['1', 0] }).accepted).toBe(true)
    expect(batch({}).nodeErrors['3']?.errors).toEqual([
      { type: 'required_input_missing', message: 'Required input is missing', details: 'image0', extra_info: { input_name: 'images.image0' } },
    ])
    expect(types(batch({ 'images.image0': ['1', 0], 'images.image2': 5 }))).toEqual({})
  })

  it('expands the chosen DynamicCombo option, and checks nothing for an unknown choice', () => {
    const resize = (inputs: Record<string, unknown>) =>
      validate(
        {
          ...image(),
          '3': { class_type: 'ResizeImageMaskNode', inputs: { input: ['1', 0], scale_method: 'area', ...inputs } },
          '4': { class_type: 'PreviewAny', inputs: { source: ['3', 0] } },
        },
        latest,
      )
    const missing = resize({ resize_type: 'scale dimensions', 'resize_type.width': 64 })
    expect(missing.nodeErrors['3']?.errors.map((e) => e.details).sort()).toEqual(['crop', 'height'])
    expect(types(resize({ resize_type: 'scale by multiplier', 'resize_type.multiplier': 100 }))).toEqual({
      '3': ['value_bigger_than_max'],
    })
    expect(resize({ resize_type: 'no such choice' }).accepted).toBe(true)
    expect(resize({}).accepted).toBe(true)
  })
})

describe('custom validators (LoadImage & co.)', () => {
  const load = (name: unknown, options = {}) =>
    validate(
      { '1': { class_type: 'LoadImage', inputs: name === undefined ? {} : { image: name } }, '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } } },
      v080,
      { serverVersion: '0.8.0', ...options },
    )

  it('accepts listed files, annotated and relative forms of them, and the input folder itself', () => {
    for (const name of ['example.png', 'example.png [input]', '../input/example.png', './fox.jpg', '', '3d', '3d/../fox.jpg']) {
      expect(load(name).accepted).toBe(true)
    }
    for (const name of ['example.png/', '../example.png', '/etc/hostname', 'example.png [temp]']) {
      expect(load(name).accepted).toBe(false)
    }
  })

  it('fails unlisted files with custom_validation_failed and a warning that the disk was not checked', () => {
    const verdict = load('example.png [output]')
    expect(verdict.nodeErrors['1']?.errors).toEqual([
      {
        type: 'custom_validation_failed',
        message: 'Custom validation failed for node',
        details: 'image - Invalid image file: example.png [output]',
        extra_info: { input_name: 'image' },
      },
    ])
    expect(verdict.warnings.find((w) => w.type === 'file_not_verified')).toMatchObject({ nodeId: '1', inputName: 'image' })
    expect(load('missing.png', { files: 'assume-present' }).accepted).toBe(true)
  })

  it('a file in a subfolder cannot be listed by the server: accepted, with a warning that it was not verified', () => {
    const verdict = load('clipspace/clipspace-mask-123.png [input]')
    expect(verdict.accepted).toBe(true)
    expect(verdict.warnings.find((w) => w.type === 'file_not_verified')).toMatchObject({ nodeId: '1', inputName: 'image' })
    expect(load('clipspace/').accepted).toBe(false)
  })

  it('raises for a missing or non-string image, as the Python validator does', () => {
    expect(load(null).nodeErrors['1']?.errors[0]).toMatchObject({
      type: 'exception_during_inner_validation',
      details: "'NoneType' object has no attribute 'endswith'",
    })
    expect(load(undefined).nodeErrors['1']?.errors[0]).toMatchObject({
      type: 'exception_during_inner_validation',
      details: "LoadImage.VALIDATE_INPUTS() missing 1 required positional argument: 'image'",
    })
  })
})

describe('locations and lint', () => {
  it('names a location for every issue', () => {
    const prompt = { ...image({ width: 'abc', color: -1 }), '3': { class_type: 'SaveImage', inputs: { images: ['1', 0] } } }
    const verdict = validate(prompt, latest)
    expect(verdict.issues.map((i) => i.path)).toEqual([[], ['1', 'inputs', 'width'], ['1', 'inputs', 'color'], ['3', 'inputs', 'filename_prefix']])
  })

  it('warns about unreachable nodes, unknown inputs, steps and deprecated nodes without changing the verdict', () => {
    const prompt = {
      ...image({ zzz: 1 }),
      '3': { class_type: 'EmptyLatentImage', inputs: { width: 513, height: 512, batch_size: 1 } },
      '4': { class_type: 'ImageBatch', inputs: { image1: ['1', 0], image2: ['1', 0] } },
      '5': { class_type: 'PreviewImage', inputs: { images: ['4', 0] } },
      '6': { class_type: 'EmptyLatentImage', inputs: { width: 513, height: 512, batch_size: 1 } },
      '7': { class_type: 'PreviewAny', inputs: { source: ['6', 0] } },
    }
    const verdict = validate(prompt, latest)
    expect(verdict.accepted).toBe(true)
    const found = verdict.warnings.map((w) => `${w.type}:${w.nodeId ?? ''}:${w.inputName ?? ''}`).sort()
    expect(found).toEqual(['deprecated_node:4:', 'step_mismatch:6:width', 'unknown_input:1:zzz', 'unreachable_node:3:'])
    expect(validate(prompt, latest, { lint: false }).warnings).toEqual([])
  })
})
