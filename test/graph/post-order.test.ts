import { expect, test } from 'vitest'
import { postOrder } from '../../src/graph/post-order.js'

const graph: Record<string, string[]> = { a: ['b', 'c'], b: ['d'], c: ['d'], d: [], e: ['a'] }

test('dependencies come first, each node once, in first-visit order', () => {
  expect(postOrder(['a', 'e'], (n) => graph[n] ?? [])).toEqual(['d', 'b', 'c', 'a', 'e'])
})

test('a back edge reports the cycle path and is skipped', () => {
  const cyclic: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a'] }
  const cycles: string[] = []
  const order = postOrder(['a'], (n) => cyclic[n] ?? [], undefined, (path, from, to) => cycles.push(`${path.join('>')}|${from}->${to}`))
  expect(cycles).toEqual(['a>b>c|c->a'])
  expect(order).toEqual(['c', 'b', 'a'])
})

test('a 100,000-node chain needs no recursion', () => {
  const order = postOrder([0], (n) => (n < 99_999 ? [n + 1] : []))
  expect(order).toHaveLength(100_000)
  expect(order[0]).toBe(99_999)
})
