/** toPromptJson writes the text itself: on random graphs it must give exactly the bytes of stringifyJson(toPrompt()). */
import { describe, expect, test } from 'vitest'
import { node } from '../../src/dsl/node.js'
import type { NodeHandle, Output } from '../../src/dsl/output.js'
import { toPrompt, toPromptJson, type PromptRoot } from '../../src/dsl/prompt.js'
import { defineSubgraph } from '../../src/dsl/subgraph.js'
import { SerializationError } from '../../src/errors.js'
import { stringifyJson } from '../../src/json/lossless.js'

// Strings JSON escapes or writes beyond ASCII, and some long enough to cross the writer's 16 KB chunks:
const STRINGS = ['', 'plain', 'quote " here', 'back\\slash', 'new\nline', '\u0001\u001f', 'é', '😀', 'lone \ud800', '\udc00 low', '\u007f', '\u2028', '\ufeff byte order mark', 'x'.repeat(20_000), 'é'.repeat(7_000), '😀'.repeat(3_000)]
const NUMBERS = [0, -0, 1.5, 1e21, 1e-7, -3, Number.MAX_VALUE, 512]
const NAMES = ['text', 'seed', '7', '0', '__proto__', 'é', 'a"b', '4294967294', '4294967295', 'z']
const PINNED = ['5', '12', 'loader', '4294967295', '4294967294', '01', 'é"', '3']

describe('toPromptJson on random graphs', () => {
  test.each([1, 2, 3, 4, 5])('seed %i: the bytes of stringifyJson(toPrompt())', (seed) => {
    let state = seed
    const random = (n: number): number => ((state = (state * 1103515245 + 12345) % 2 ** 31), state % n)
    const pick = <T>(items: readonly T[]): T => items[random(items.length)] as T
    const value = (depth: number): unknown => {
      switch (random(depth > 1 ? 6 : 8)) {
        case 0: return pick(STRINGS)
        case 1: return pick(NUMBERS)
        case 2: return pick([true, false, null, undefined])
        case 3: return pick([5n, 2n ** 60n, -(2n ** 70n), 9007199254740993n])
        case 4: return pick(STRINGS).slice(0, 20)
        case 5: return pick(NUMBERS)
        case 6: return [value(depth + 1), value(depth + 1)].filter((item) => item !== undefined)
        default: return Object.defineProperty({ b: pick(STRINGS).slice(0, 5) }, pick(NAMES), { value: value(depth + 1), enumerable: true })
      }
    }
    const handles: NodeHandle[] = []
    const pinned = new Set<string>()
    for (let i = 0; i < 600; i++) {
      const inputs: Record<string, unknown> = {}
      for (let k = 0; k < 4; k++) {
        const name = pick(NAMES)
        // (defined, not assigned: `__proto__` is a key here)
        const item = handles.length > 0 && random(3) === 0 ? (pick(handles) as NodeHandle & { out(i: number): Output }).out(random(3)) : value(0)
        Object.defineProperty(inputs, name, { value: item, enumerable: true, writable: true, configurable: true })
      }
      const id = random(20) === 0 ? pick(PINNED) : undefined
      const options = { ...(id !== undefined && !pinned.has(id) ? { id } : {}), ...(random(5) === 0 ? { title: pick(STRINGS).slice(0, 30) } : {}) }
      if (options.id !== undefined) pinned.add(options.id)
      handles.push(node(pick(['KSampler', 'Custom "quoted"', 'Ünïcode']), inputs, options))
    }
    const roots = handles.filter(() => random(4) === 0)
    expect(toPromptJson(roots)).toBe(stringifyJson(toPrompt(...roots)))
    // Indented as JSON.stringify indents (up to 10 spaces; below 1, none; V8's own line breaks for fractions):
    for (const indent of [2, 1, 12, 0.5, 1.5, -3]) expect(toPromptJson(roots, indent)).toBe(stringifyJson(toPrompt(...roots), indent))
  })

  test('indented: empty inputs, titles, links and nested lists and objects', () => {
    const loader = node('Loader', {}, { title: 'the "loader"' })
    const user = node('User', { a: loader.out(0), list: [1, [2, { x: [] }], {}], empty: {}, big: 2n ** 70n }, { id: '7' })
    for (const indent of [undefined, 0, 2, 4]) expect(toPromptJson([user], indent)).toBe(stringifyJson(toPrompt(user), indent))
    expect(toPromptJson([], 2)).toBe('{}')
  })

  test('long strings with escapes or beyond ASCII, wherever they fall in the 16 KB chunks', () => {
    const roots = [0, 1, 2_000, 3_000, 6_000, 9_000, 12_000, 16_000, 16_383].map((pad) =>
      node('Pad', { pad: 'y'.repeat(pad), e: 'é'.repeat(7_000), emoji: '😀'.repeat(2_000), quotes: 'x"'.repeat(3_000), list: ['é'.repeat(5_000)] }),
    )
    expect(toPromptJson(roots)).toBe(stringifyJson(toPrompt(...roots)))
    expect(toPromptJson(roots, 3)).toBe(stringifyJson(toPrompt(...roots), 3))
  })

  test('ASCII strings that fill the 16 KB chunk exactly, or one byte short or over', () => {
    // The text before the string is some 40 bytes, so these lengths end the string at, around and past the chunk's end:
    for (let length = 16_250; length <= 16_400; length++) {
      const roots = [node('Fill', { text: 'y'.repeat(length), after: 'z' })]
      expect(toPromptJson(roots)).toBe(stringifyJson(toPrompt(...roots)))
    }
  })
})

type Outputs = (...args: unknown[]) => Output | readonly Output[] | Record<string, Output>
const outputsOf = (returned: ReturnType<Outputs>): Output[] => (Array.isArray(returned) ? [...returned] : 'node' in returned ? [returned as Output] : Object.values(returned))
const outputOf = (handle: NodeHandle, slot: number): Output => (handle as NodeHandle & { out(i: number): Output }).out(slot)

// The same bytes as stringifyJson(toPrompt()), or the same SerializationError (node, input, path):
function expectSameText(roots: readonly PromptRoot[], indent: number | undefined): void {
  let expected: string | SerializationError
  try {
    expected = stringifyJson(toPrompt(...roots), indent)
  } catch (error) {
    if (!(error instanceof SerializationError)) throw error
    expected = error
  }
  if (typeof expected === 'string') expect(toPromptJson(roots, indent)).toBe(expected)
  else {
    const { message, nodeId, inputName, path } = expected
    expect(() => toPromptJson(roots, indent)).toThrow(expect.objectContaining({ message, nodeId, inputName, path }))
  }
}

describe('toPromptJson on random graphs with subgraphs', () => {
  test.each([1, 2, 3, 4, 5, 6])('seed %i: the bytes of stringifyJson(toPrompt()), nested subgraphs included', (seed) => {
    let state = seed
    // (the high bits: the low ones of this generator repeat with a short period)
    const random = (n: number): number => ((state = (state * 1103515245 + 12345) % 2 ** 31), Math.floor(state / 2 ** 15) % n)
    const pick = <T>(items: readonly T[]): T => items[random(items.length)] as T
    const literal = (): unknown =>
      pick([pick(STRINGS).slice(0, 12), pick(NUMBERS), true, null, 5n, 2n ** 60n, -(2n ** 70n), ['é', 2n ** 64n, { x: [1, null] }], { __proto__: 1, [pick(NAMES)]: 'v' }, pick(STRINGS)])
    // An input: a literal, nothing, or one of `outputs`:
    const input = (outputs: readonly Output[]): unknown => (outputs.length > 0 && random(2) === 0 ? pick(outputs) : random(8) === 0 ? undefined : literal())
    const randomNode = (outputs: readonly Output[], options: { id?: string; title?: string }): NodeHandle => {
      const inputs: Record<string, unknown> = {}
      for (let k = 0; k < 3; k++) Object.defineProperty(inputs, pick(NAMES), { value: input(outputs), enumerable: true, writable: true, configurable: true })
      return node(pick(['KSampler', 'Custom "quoted"', 'Ünïcode']), inputs, options)
    }
    const title = (): { title?: string } => (random(4) === 0 ? { title: pick(STRINGS).slice(0, 12) } : {})
    // Definitions, each calling earlier ones inside; bodies return an output, a list or a record (parameters too):
    const subgraphs: { call: Outputs; arity: number }[] = []
    for (let d = 0; d < 5; d++) {
      const arity = 1 + random(3)
      const called = subgraphs.slice()
      const body = (...params: Output[]): ReturnType<Outputs> => {
        const outputs = [...params]
        for (let i = 0; i < 2 + random(4); i++) {
          if (called.length > 0 && random(3) === 0) {
            const { call, arity: inner } = pick(called)
            outputs.push(...outputsOf(call(...Array.from({ length: inner }, () => input(outputs)))))
          } else outputs.push(outputOf(randomNode(outputs, title()), random(2)))
        }
        const returned = Array.from({ length: 1 + random(3) }, () => pick(outputs.slice(random(2) === 0 ? 0 : params.length)))
        return returned.length === 1 ? (returned[0] as Output) : random(2) === 0 ? returned : Object.fromEntries(returned.map((o, i) => [`r${i}`, o]))
      }
      subgraphs.push({ call: defineSubgraph(`Random ${seed}.${d}`, body as Outputs) as Outputs, arity })
    }
    const outputs: Output[] = []
    const handles: NodeHandle[] = []
    const pinned = new Set<string>()
    for (let i = 0; i < 150; i++) {
      if (random(3) === 0) {
        const { call, arity } = pick(subgraphs)
        const returned = outputsOf(call(...Array.from({ length: arity }, () => input(outputs))))
        outputs.push(...returned)
        handles.push(...returned.map((o) => o.node))
        continue
      }
      const id = random(10) === 0 ? pick(PINNED) : undefined
      const options = { ...(id !== undefined && !pinned.has(id) ? { id } : {}), ...title() }
      if (options.id !== undefined) pinned.add(options.id)
      const handle = randomNode(outputs, options)
      handles.push(handle)
      outputs.push(outputOf(handle, random(2)))
    }
    const roots = handles.filter(() => random(3) === 0)
    for (const indent of [undefined, 2, 0, 12, 0.5]) expectSameText(roots, indent)
  })

  test('arguments JSON cannot carry: the same SerializationError, used by the subgraph or not', () => {
    const sub = defineSubgraph('Two parameters', (used: unknown, _unused: unknown) => outputOf(node('Inner', { value: used }), 0))
    for (const [used, unused] of [[NaN, 1], [1, [Number.POSITIVE_INFINITY]], [1, { f: () => 1 }]]) {
      const root = node('Save', { image: sub(used, unused) })
      for (const indent of [undefined, 2]) expectSameText([root], indent)
      expect(() => toPromptJson([root])).toThrow(SerializationError)
    }
  })

  test("bigints of inner nodes exact at any indent; a parameter named `__proto__`, passed or left out", () => {
    const sub = defineSubgraph('Proto parameter', (image: unknown) => outputOf(node('Inner', { ['__proto__']: image, seed: 2n ** 60n }), 0))
    const load = node('Load', {})
    const root = node('Save', { a: sub(outputOf(load, 0)), b: sub(undefined) })
    const inner = (id: string, image: string): string => `"${id}":{"class_type":"Inner","inputs":{${image}"seed":1152921504606846976}}`
    expect(toPromptJson([root])).toBe(`{"1":{"class_type":"Load","inputs":{}},"4":{"class_type":"Save","inputs":{"a":["2:5",0],"b":["3:5",0]}},${inner('2:5', '"__proto__":["1",0],')},${inner('3:5', '')}}`)
    for (const indent of [undefined, 2, 0.5]) expectSameText([root], indent)
  })

  test('an id pinned with a colon, as an inner node of a subgraph is numbered', () => {
    const sub = defineSubgraph('Colon', (image: Output) => outputOf(node('Inner', { image, seed: 2n ** 60n }), 0))
    const load = node('Load', {}, { id: '2:4' })
    const root = node('Save', { a: sub(outputOf(load, 0)), b: sub(outputOf(load, 0)) })
    for (const indent of [undefined, 2]) expectSameText([root], indent)
  })
})
