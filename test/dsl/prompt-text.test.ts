/** toPromptJson writes the text itself: on random graphs it must give exactly the bytes of stringifyJson(toPrompt()). */
import { describe, expect, test } from 'vitest'
import { node } from '../../src/dsl/node.js'
import type { NodeHandle, Output } from '../../src/dsl/output.js'
import { toPrompt, toPromptJson } from '../../src/dsl/prompt.js'
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
