import { readdirSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { importApiPrompt } from '../../src/convert/import-api.js'
import { isOutput } from '../../src/dsl/output.js'
import { toPrompt, toPromptJson, type ApiPrompt } from '../../src/dsl/prompt.js'
import { WorkflowFormatError } from '../../src/errors.js'
import { parseJson } from '../../src/json/lossless.js'
import { fixturePath, loadDefs, readFixture } from '../helpers/fixtures.js'

const defs = loadDefs('core026')

const API_FILES = [
  ...readdirSync(fixturePath('workflows', 'api')).map((f) => ['api', f] as const),
  ...readdirSync(fixturePath('workflows', 'pairs'))
    .filter((f) => f.endsWith('.api.json'))
    .map((f) => ['pairs', f] as const),
]

// What the import drops on purpose, per file: the server's `is_changed` cache key (PNG prompts are the server's
// copy), and autoflow's own `_meta.seeds` note.
function expectedDrops(prompt: Record<string, Record<string, unknown>>): string[] {
  const drops: string[] = []
  for (const [id, node] of Object.entries(prompt)) {
    if ('is_changed' in node) drops.push(`${id}.is_changed`)
    const meta = node['_meta'] as Record<string, unknown> | undefined
    for (const key of Object.keys(meta ?? {})) if (key !== 'title') drops.push(`${id}._meta.${key}`)
  }
  return drops
}

function withoutDrops(prompt: Record<string, Record<string, unknown>>): ApiPrompt {
  const copy = structuredClone(prompt)
  for (const node of Object.values(copy)) {
    delete node['is_changed']
    const meta = node['_meta'] as Record<string, unknown> | undefined
    if (meta !== undefined) for (const key of Object.keys(meta)) if (key !== 'title') delete meta[key]
    if (meta !== undefined && Object.keys(meta).length === 0) delete node['_meta']
  }
  return copy as unknown as ApiPrompt
}

describe('API JSON -> DSL graph -> API JSON', () => {
  test.each(API_FILES)('%s/%s gives equal JSON', (folder, file) => {
    const json = parseJson(readFixture('workflows', folder, file)) as Record<string, unknown>
    const prompt = ('prompt' in json ? json['prompt'] : json) as Record<string, Record<string, unknown>>
    for (const options of [{}, { defs }]) {
      const imported = importApiPrompt(json, options)
      expect(toPrompt(...imported.roots)).toEqual(withoutDrops(prompt))
      expect(imported.warnings.map((w) => w.path.slice('prompt' in json ? 1 : 0).join('.'))).toEqual(expectedDrops(prompt))
      expect(imported.nodes.size).toBe(Object.keys(prompt).length)
    }
  })

  test('the fixtures hold the odd cases this test is for', () => {
    const all = API_FILES.map(([folder, file]) => readFixture('workflows', folder, file)).join('\n')
    expect(all).toContain('PowerLoraLoaderHeaderWidget') // object literals
    expect(all).toContain('is_changed')
  })
})

describe(importApiPrompt.name, () => {
  const prompt = {
    '10': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'a.safetensors' }, _meta: { title: 'Ckpt' } },
    '11': { class_type: 'Some Custom Node', inputs: { model: ['10', 0], list: { __value__: [1, [2, 3], { a: null }] } } },
    '12': {
      class_type: 'PreviewAny',
      inputs: { source: ['11', 7], big: 18446744073709551615n, text: 'C:\\path\\', box: { x: 1, y: [2] }, nothing: null },
    },
    '13': { class_type: 'Orphan', inputs: { wrapped: { __value__: [1], extra: true }, f: 1.5 } },
  }

  test('links become outputs, lists come back unwrapped, ids and titles pinned', () => {
    const { nodes, roots } = importApiPrompt(prompt, { defs })
    const ckpt = nodes.get('10')
    expect(ckpt?.id).toBe('10')
    expect(ckpt?.title).toBe('Ckpt')
    expect((ckpt as unknown as Record<string, unknown>)['MODEL']).toBe(ckpt?.out(0))
    const custom = nodes.get('11')
    expect(isOutput(custom?.inputs['model'])).toBe(true)
    expect(custom?.inputs['list']).toEqual([1, [2, 3], { a: null }])
    expect(roots.map((r) => r.id)).toEqual(['12', '13'])
    expect(toPrompt(...roots)).toEqual(prompt)
  })

  test('unknown classes take links from any slot; the validator judges them', () => {
    const { nodes } = importApiPrompt(prompt)
    const source = nodes.get('12')?.inputs['source']
    expect(isOutput(source) && source.slot).toBe(7)
  })

  test('seeds above 2^53 survive to JSON text', () => {
    const { roots } = importApiPrompt(prompt)
    expect(toPromptJson(roots)).toContain('"big":18446744073709551615')
  })

  test('a POST /prompt body is accepted; errors point inside it', () => {
    expect(importApiPrompt({ prompt, client_id: 'x' }).nodes.size).toBe(4)
    const error = catchError(() => importApiPrompt({ prompt: { '1': { class_type: 'A', inputs: { a: ['9', 0] } } } }))
    expect((error as WorkflowFormatError).path).toEqual(['prompt', '1', 'inputs', 'a'])
  })

  test.each([
    [{ '1': { class_type: 'A', inputs: { a: ['9', 0] } } }, ['1', 'inputs', 'a'], 'link to node "9", which is not in the prompt'],
    [{ '1': { class_type: 'A', inputs: { a: [1, 2, 3] } } }, ['1', 'inputs', 'a'], 'a list that is not a link'],
    [{ '1': { class_type: 'A', inputs: { a: [1, 0] } } }, ['1', 'inputs', 'a'], 'a list that is not a link'],
    [{ '1': { class_type: 'A', inputs: { a: ['1', -1] } } }, ['1', 'inputs', 'a', 1], 'output slots start at 0'],
    [
      { '1': { class_type: 'A', inputs: { a: ['2', 0] } }, '2': { class_type: 'B', inputs: { b: ['1', 0] } } },
      ['2', 'inputs', 'b'],
      'the links form a cycle: 1 -> 2 -> 1',
    ],
    [{ '1': { class_type: 'A', inputs: JSON.parse('{"__proto__": 1}') } }, ['1', 'inputs', '__proto__'], 'cannot be an input name'],
    [{ '1': { class_type: 'A', inputs: 'x' } }, ['1', 'inputs'], 'expected an object of inputs'],
    [{ '1': { class_type: 'A', inputs: { box: JSON.parse('{"a": [{"__proto__": 1}]}') } } }, ['1', 'inputs', 'box', 'a', 0, '__proto__'], '"__proto__" key'],
  ])('%j: error at %j', (bad, path, message) => {
    const error = catchError(() => importApiPrompt(bad, { file: 'in.json' }))
    expect(error).toBeInstanceOf(WorkflowFormatError)
    expect((error as WorkflowFormatError).path).toEqual(path)
    expect((error as Error).message).toContain(message)
    expect((error as Error).message).toContain('in.json')
  })

  test('what a handle cannot carry is reported, with its path', () => {
    const { warnings, roots } = importApiPrompt({
      '1': { class_type: 'A', inputs: {}, is_changed: ['x'], _meta: { title: 'T', seeds: {} } },
      '2': { class_type: 'B', inputs: {}, _meta: {} },
    })
    expect(warnings.map((w) => [w.code, w.path])).toEqual([
      ['import_dropped', ['1', 'is_changed']],
      ['import_dropped', ['1', '_meta', 'seeds']],
      ['import_dropped', ['2', '_meta']],
    ])
    expect(toPrompt(...roots)).toEqual({
      '1': { class_type: 'A', inputs: {}, _meta: { title: 'T' } },
      '2': { class_type: 'B', inputs: {} },
    })
  })
})

function catchError(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}
