/**
 * Robustness: validate() on arbitrary JSON and on mutated real workflows never throws, and its verdicts hold
 * together (every issue has a location, node errors name nodes of the prompt, outputs are output nodes).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ComfyError } from '../../src/errors.js'
import { stringifyJson } from '../../src/json/lossless.js'
import { parsePythonJson, validate, type Verdict } from '../../src/validate/index.js'
import { loadDefs } from '../helpers/fixtures.js'
import { loadVerdictCases, verdictDefs } from './verdict-cases.js'

const defs080 = verdictDefs()
const defs026 = loadDefs('core026')
const bases = loadVerdictCases()
  .filter((c) => c.status === 200 && c.mutation.startsWith('none'))
  .map((c) => JSON.parse(JSON.stringify(c.prompt)) as Record<string, Record<string, unknown>>)

function checkInvariants(prompt: unknown, verdict: Verdict): void {
  expect([200, 400, 500]).toContain(verdict.status)
  expect(verdict.accepted).toBe(verdict.status === 200)
  if (!verdict.accepted) expect(verdict.outputs).toEqual([])
  expect(verdict.issues.length > 0 || verdict.accepted).toBe(true)
  const ids = prompt !== null && typeof prompt === 'object' && !Array.isArray(prompt) ? new Set(Object.keys(prompt)) : new Set()
  for (const id of Object.keys(verdict.nodeErrors)) expect(ids.has(id)).toBe(true)
  for (const output of verdict.outputs) expect(ids.has(output)).toBe(true)
  for (const issue of [...verdict.issues, ...verdict.warnings]) {
    expect(Array.isArray(issue.path)).toBe(true)
    if (issue.nodeId !== undefined) expect(issue.path[0]).toBe(issue.nodeId)
    expect(issue.message.length).toBeGreaterThan(0)
  }
  const body = verdict.response({ promptId: 'p', number: 1 })
  if (verdict.status === 500) expect(typeof body).toBe('string')
  else expect(() => stringifyJson(body)).not.toThrow()
}

function validateBoth(prompt: unknown, partialExecutionTargets?: unknown): void {
  for (const [defs, serverVersion] of [
    [defs080, '0.8.0'],
    [defs026, '0.26.0'],
  ] as const) {
    const options = { serverVersion, ...(partialExecutionTargets === undefined ? {} : { partialExecutionTargets }) }
    const verdict = validate(prompt, defs, options)
    checkInvariants(prompt, verdict)
    // The prompt is not modified, so a second run gives the same answer:
    expect(stringifyJson(validate(prompt, defs, options).response({ promptId: 'p', number: 1 }))).toBe(
      stringifyJson(verdict.response({ promptId: 'p', number: 1 })),
    )
  }
}

type Mutation = (prompt: Record<string, Record<string, unknown>>, pick: (n: number) => number, value: unknown) => void

const nodeIds = (prompt: Record<string, unknown>) => Object.keys(prompt)
function inputsOf(node: unknown): Record<string, unknown> | undefined {
  if (typeof node !== 'object' || node === null) return undefined
  const inputs = (node as Record<string, unknown>)['inputs']
  return typeof inputs === 'object' && inputs !== null ? (inputs as Record<string, unknown>) : undefined
}

const MUTATIONS: readonly Mutation[] = [
  // drop an input
  (p, pick) => {
    const inputs = inputsOf(p[nodeIds(p)[pick(nodeIds(p).length)] as string])
    if (inputs) delete inputs[Object.keys(inputs)[pick(Object.keys(inputs).length)] as string]
  },
  // re-point an input to some node and slot (possibly missing or out of range)
  (p, pick) => {
    const ids = nodeIds(p)
    const inputs = inputsOf(p[ids[pick(ids.length)] as string])
    const name = inputs && Object.keys(inputs)[pick(Object.keys(inputs).length)]
    if (inputs && name !== undefined) inputs[name] = [pick(4) === 0 ? '9999' : ids[pick(ids.length)], pick(5) - 1]
  },
  // any JSON value for an input
  (p, pick, value) => {
    const inputs = inputsOf(p[nodeIds(p)[pick(nodeIds(p).length)] as string])
    const name = inputs && Object.keys(inputs)[pick(Object.keys(inputs).length)]
    if (inputs && name !== undefined) inputs[name] = value
  },
  // a cycle: a node's first link input points at a node that depends on it, or at itself
  (p, pick) => {
    const ids = nodeIds(p)
    const id = ids[pick(ids.length)] as string
    const target = ids[pick(ids.length)] as string
    const inputs = inputsOf(p[target])
    const name = inputs && Object.keys(inputs).find((k) => Array.isArray(inputs[k]))
    if (inputs && name !== undefined) inputs[name] = [id, 0]
    const back = inputsOf(p[id])
    const backName = back && Object.keys(back).find((k) => Array.isArray(back[k]))
    if (back && backName !== undefined) back[backName] = [target, 0]
  },
  // break a node's structure
  (p, pick, value) => {
    const node = p[nodeIds(p)[pick(nodeIds(p).length)] as string]
    if (typeof node !== 'object' || node === null) return
    const field = ['class_type', 'inputs', '_meta'][pick(3)] as string
    if (pick(2) === 0) delete node[field]
    else node[field] = value
  },
  // replace a whole node
  (p, pick, value) => {
    p[nodeIds(p)[pick(nodeIds(p).length)] as string] = value as Record<string, unknown>
  },
]

describe('validate on any input', () => {
  it('never throws for arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }), (prompt, targets) => {
        validateBoth(prompt, targets)
      }),
      { numRuns: 300 },
    )
  })

  it('never throws for prompt-shaped values with odd node and input values', () => {
    const node = fc.record(
      {
        class_type: fc.oneof(fc.constantFrom('EmptyImage', 'PreviewImage', 'ImageInvert', 'LoadImage', 'KSampler', 'BatchImagesNode'), fc.jsonValue()),
        inputs: fc.oneof(fc.dictionary(fc.constantFrom('image', 'images', 'width', 'seed', 'images.image0', 'value'), fc.jsonValue()), fc.jsonValue()),
      },
      { requiredKeys: [] },
    )
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('1', '2', '3', 'a', '__proto__', 'constructor'), node), (prompt) => {
        validateBoth(prompt)
      }),
      { numRuns: 300 },
    )
  })

  it('never throws for mutated real workflows, and stays consistent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: bases.length - 1 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: MUTATIONS.length - 1 }), fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (baseIndex, steps) => {
          const prompt = structuredClone(bases[baseIndex]) as Record<string, Record<string, unknown>>
          for (const [which, picks, value] of steps) {
            let i = 0
            const pick = (n: number): number => (n <= 0 ? 0 : (picks[i++ % picks.length] as number) % n)
            ;(MUTATIONS[which] as Mutation)(prompt, pick, value)
          }
          validateBoth(prompt)
        },
      ),
      { numRuns: 400 },
    )
  })

  it('reads corrupted JSON text as a typed error or as a prompt it can judge', () => {
    const text = JSON.stringify(bases[0])
    fc.assert(
      fc.property(fc.nat({ max: text.length }), fc.nat({ max: 20 }), fc.string({ maxLength: 5 }), (at, cut, insert) => {
        const corrupted = text.slice(0, at) + insert + text.slice(at + cut)
        let prompt: unknown
        try {
          prompt = parsePythonJson(corrupted)
        } catch (error) {
          expect(error).toBeInstanceOf(ComfyError)
          return
        }
        validateBoth(prompt)
      }),
      { numRuns: 400 },
    )
  })
})
