/**
 * Property tests: fixture workflows mutated at random (inputs dropped, links re-pointed, types and values changed,
 * cycles added, JSON text corrupted) are either converted/imported, with well-formed results, or rejected with one
 * of the library's typed errors naming the file and a location.
 */
import { readdirSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { importApiPrompt } from '../../src/convert/import-api.js'
import { loadWorkflow } from '../../src/convert/load.js'
import { uiToApi } from '../../src/convert/ui-to-api.js'
import { toPrompt, type ApiPrompt } from '../../src/dsl/prompt.js'
import { ComfyError, JsonParseError } from '../../src/errors.js'
import { parseJson, stringifyJson } from '../../src/json/lossless.js'
import { fixturePath, loadDefs, readFixture } from '../helpers/fixtures.js'

const defs = loadDefs('core026')
const FILE = 'mutated.json'
const RUNS = 500

type Json = null | boolean | number | bigint | string | Json[] | { [key: string]: Json }
type Path = (string | number)[]

const UI_FILES = [
  ...['lora__lora', 'edit_models__sdxl_edit_model', 'flux__flux_kontext_example', 'wan22__image_to_video_wan22_14B', 'sdxl__sdxl_simple_example'].map(
    (n) => ['pairs', `${n}.ui.json`] as const,
  ),
  ...readdirSync(fixturePath('workflows', 'ui'))
    .filter((f) => /subgraph|groupnode|reroute|primitive|bypass|links__/.test(f))
    .map((f) => ['ui', f] as const),
]
const API_FILES = [
  ...readdirSync(fixturePath('workflows', 'api')).map((f) => ['api', f] as const),
  ...['lora__lora', 'autoflow__txt2img_basic', 'edit_models__sdxl_edit_model'].map((n) => ['pairs', `${n}.api.json`] as const),
]
const load = ([folder, file]: readonly [string, string]): Json => parseJson(readFixture('workflows', folder, file)) as Json

const scalar = fc.oneof(
  fc.integer({ min: -3, max: 100 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 6 }),
  fc.constantFrom('*', 'MODEL', 'CLIP', '__value__', '__proto__', 'class_type', '-10', '-20', '1', '3', '0.4'),
  fc.boolean(),
  fc.constant(null),
)
const value: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('1', '3', '4', '99', '37:0'), fc.integer({ min: -1, max: 4 })) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('a', 'link', 'name', 'type', '__value__', '__proto__'), scalar, { maxKeys: 3 }) },
)

/** A mutation, applied to a copy: pick the n-th path of the document (mod the count). */
type Mutation =
  | { op: 'set'; at: number; value: Json }
  /** Re-point a link: a value in a link entry or a socket's `link`. */
  | { op: 'relink'; at: number; value: Json }
  /** Change a type or a widget value. */
  | { op: 'retype'; at: number; value: Json }
  | { op: 'delete'; at: number }
  | { op: 'cycle'; a: number; b: number }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value }),
  fc.record({ op: fc.constant('relink' as const), at: fc.nat(), value }),
  fc.record({ op: fc.constant('retype' as const), at: fc.nat(), value }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('cycle' as const), a: fc.nat(), b: fc.nat() }),
)

// Layout and cosmetics the converter never reads; mutating them would only dilute the runs:
const COSMETIC = new Set(['pos', 'size', 'flags', 'order', 'properties', 'ds', 'bounding', 'groups', 'config', 'color', 'bgcolor', 'shape', 'slot_index', 'localized_name'])

function paths(json: Json, prefix: Path = [], out: Path[] = [], depth = 0): Path[] {
  if (depth > 7 || typeof json !== 'object' || json === null) return out
  for (const key of Object.keys(json)) {
    if (COSMETIC.has(key)) continue
    const path = [...prefix, Array.isArray(json) ? Number(key) : key]
    out.push(path)
    paths((json as Record<string, Json>)[key] as Json, path, out, depth + 1)
  }
  return out
}

function parentOf(json: Json, path: Path): { parent: Record<string | number, Json>; key: string | number } {
  let parent = json as Record<string | number, Json>
  for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, Json>
  return { parent, key: path[path.length - 1] as string | number }
}

function mutate(json: Json, mutations: readonly Mutation[], format: 'ui' | 'api'): Json {
  const doc = structuredClone(json)
  for (const m of mutations) {
    const all = paths(doc)
    if (all.length === 0) return doc
    if (m.op === 'set' || m.op === 'delete' || m.op === 'relink' || m.op === 'retype') {
      const some = m.op === 'relink' ? all.filter(isLinkPath) : m.op === 'retype' ? all.filter(isTypeOrValuePath) : all
      if (some.length === 0) continue
      const { parent, key } = parentOf(doc, some[m.at % some.length] as Path)
      if (m.op !== 'delete') parent[key] = structuredClone(m.value)
      else if (Array.isArray(parent)) parent.splice(key as number, 1)
      else delete parent[key]
    } else if (format === 'api') {
      addApiCycle(doc, m.a, m.b)
    } else {
      addUiCycle(doc, m.a, m.b)
    }
  }
  return doc
}

const LINK_KEYS = new Set(['link', 'linkIds', 'origin_id', 'origin_slot', 'target_id', 'target_slot', 'external'])
const isLinkPath = (path: Path): boolean =>
  LINK_KEYS.has(String(path[path.length - 1])) || (path[path.length - 2] === 'links' || path[path.length - 3] === 'links') || (Array.isArray(path) && path.length >= 4 && path[path.length - 3] === 'inputs')
const isTypeOrValuePath = (path: Path): boolean =>
  ['type', 'class_type', 'mode', 'version'].includes(String(path[path.length - 1])) || path[path.length - 2] === 'widgets_values' || path[path.length - 2] === 'inputs'

// A -> B and B -> A through new inputs:
function addApiCycle(doc: Json, a: number, b: number): void {
  const prompt = (typeof doc === 'object' && doc !== null && 'prompt' in doc ? doc['prompt'] : doc) as Record<string, Json>
  const ids = Object.keys(prompt ?? {})
  const [x, y] = [ids[a % Math.max(ids.length, 1)], ids[b % Math.max(ids.length, 1)]]
  for (const [from, to] of [[x, y], [y, x]] as const) {
    const node = prompt[from as string] as Record<string, Json> | undefined
    const inputs = node?.['inputs']
    if (typeof inputs === 'object' && inputs !== null && !Array.isArray(inputs) && to !== undefined) inputs['cycle'] = [to, 0]
  }
}

// A link from node b's first output to node a's first input, and from a back to b:
function addUiCycle(doc: Json, a: number, b: number): void {
  const root = doc as Record<string, Json>
  const nodes = Array.isArray(root['nodes']) ? root['nodes'] : []
  const links = Array.isArray(root['links']) ? root['links'] : []
  const [x, y] = [nodes[a % Math.max(nodes.length, 1)], nodes[b % Math.max(nodes.length, 1)]] as Record<string, Json>[]
  let id = 10_000 + links.length
  for (const [from, to] of [[x, y], [y, x]]) {
    const inputs = to?.['inputs']
    // An earlier mutation may have replaced either node by a non-object (null, a number):
    if (typeof from !== 'object' || from === null || !Array.isArray(inputs) || typeof inputs[0] !== 'object' || inputs[0] === null) continue
    ;(inputs[0] as Record<string, Json>)['link'] = id
    links.push([id++, from['id'] as Json, 0, to?.['id'] as Json, 0, '*'])
  }
}

/** Runs `fn`; a thrown error must be a ComfyError naming the file and, below the root, a JSON path. */
function typedOrOk<T>(fn: () => T, rootIsObject: boolean): T | undefined {
  try {
    return fn()
  } catch (error) {
    if (!(error instanceof ComfyError)) throw error
    expect(error.file).toBe(FILE)
    expect(error.message).toContain(FILE)
    if (rootIsObject && !(error instanceof JsonParseError)) expect(error.path.length).toBeGreaterThan(0)
    return undefined
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function expectWellFormed(prompt: ApiPrompt): void {
  for (const node of Object.values(prompt)) {
    expect(typeof node.class_type).toBe('string')
    for (const value of Object.values(node.inputs)) {
      if (Array.isArray(value)) expect(prompt[value[0] as string]).toBeDefined()
    }
  }
  expect(() => stringifyJson(prompt)).not.toThrow()
}

describe('robustness', () => {
  test('UI conversion of mutated workflows: a well-formed prompt or a typed, located error', () => {
    const docs = UI_FILES.map(load)
    fc.assert(
      fc.property(fc.nat(docs.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (i, mutations) => {
        const doc = mutate(docs[i] as Json, mutations, 'ui')
        const result = typedOrOk(() => uiToApi(doc, defs, { file: FILE, random: () => 0.5 }), isRecord(doc))
        if (result === undefined) return
        expectWellFormed(result.prompt)
        for (const warning of result.warnings) expect(warning.path.length).toBeGreaterThan(0)
        typedOrOk(() => importApiPrompt(result.prompt, { file: FILE }), true)
      }),
      { numRuns: RUNS },
    )
  })

  test('import of mutated API prompts: the same JSON back, or a typed, located error', () => {
    const docs = API_FILES.map(load)
    fc.assert(
      fc.property(fc.nat(docs.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (i, mutations) => {
        const doc = mutate(docs[i] as Json, mutations, 'api')
        const imported = typedOrOk(() => importApiPrompt(doc, { file: FILE, defs }), isRecord(doc))
        if (imported === undefined) return
        const original = (isRecord(doc) && isRecord(doc['prompt']) && !('class_type' in doc['prompt']) ? doc['prompt'] : doc) as Record<string, Record<string, Json>>
        const back = toPrompt(...imported.roots) as unknown as Record<string, Record<string, unknown>>
        expect(Object.keys(back).sort()).toEqual(Object.keys(original).sort())
        for (const [id, node] of Object.entries(original)) {
          expect(back[id]?.['class_type']).toBe(node['class_type'])
          expect(back[id]?.['inputs']).toEqual(node['inputs'])
        }
      }),
      { numRuns: RUNS },
    )
  })

  test('corrupted JSON text in either format: a typed error with file, line and column, or a result', () => {
    const texts = [...UI_FILES, ...API_FILES].map(([folder, file]) => readFixture('workflows', folder, file))
    fc.assert(
      fc.property(
        fc.nat(texts.length - 1),
        fc.nat(),
        fc.constantFrom('', '{', '}', '[', ']', ',', '"', ':', 'x', '0', '\u0000'),
        (i, at, insert) => {
          const text = texts[i] as string
          const cut = at % text.length
          for (const corrupted of [text.slice(0, cut), text.slice(0, cut) + insert + text.slice(cut)]) {
            try {
              loadWorkflow(corrupted, defs, { file: FILE })
            } catch (error) {
              expect(error).toBeInstanceOf(ComfyError)
              expect((error as ComfyError).message).toContain(FILE)
              if (error instanceof JsonParseError) expect(error.line).toBeGreaterThan(0)
            }
          }
        },
      ),
      { numRuns: RUNS },
    )
  })
})
