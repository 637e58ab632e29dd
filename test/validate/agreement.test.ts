/**
 * The validator against what a real ComfyUI 0.8.0 answered for 561 requests (test/fixtures/server-verdicts): each
 * whole POST /prompt body judged by `validateRequest`. Node error order, dependent_outputs order and tracebacks are
 * nondeterministic on the server; they are compared as sets or left out. Once with the release named, once with
 * nothing but the object_info to go by (a user's file, whose name carries no version).
 */
import { describe, expect, it } from 'vitest'
import { stringifyJson } from '../../src/json/lossless.js'
import { PyFloat, validateRequest } from '../../src/validate/index.js'
import type { Verdict } from '../../src/validate/types.js'
import { loadVerdictCases, neutralVerdictDefs, verdictDefs, type VerdictCase } from './verdict-cases.js'

/** Cases the validator cannot match, with the reason (none since whole bodies are judged). */
const UNMATCHED: Readonly<Record<string, string>> = {}

interface Comparison {
  readonly verdict: boolean
  readonly errorTypes: boolean
  readonly body: boolean
}

interface NodeErrorShape {
  readonly errors: readonly { readonly type: string }[]
  readonly dependent_outputs: readonly string[]
}

function serverNodeErrors(response: unknown): Readonly<Record<string, NodeErrorShape>> {
  if (response === null || typeof response !== 'object') return {}
  return ((response as Record<string, unknown>)['node_errors'] ?? {}) as Record<string, NodeErrorShape>
}

function topType(response: unknown): string | undefined {
  if (response === null || typeof response !== 'object') return undefined
  return ((response as Record<string, unknown>)['error'] as { type?: string } | undefined)?.type
}

const typeSets = (nodeErrors: Readonly<Record<string, NodeErrorShape>>): string =>
  JSON.stringify(
    Object.keys(nodeErrors)
      .sort()
      .map((id) => [id, [...new Set((nodeErrors[id]?.errors ?? []).map((e) => e.type))].sort()]),
  )

const droppedOutputs = (nodeErrors: Readonly<Record<string, NodeErrorShape>>): string =>
  JSON.stringify([...new Set(Object.values(nodeErrors).flatMap((n) => n.dependent_outputs))].sort())

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value === null || typeof value !== 'object' || value instanceof PyFloat) return value
  const record = value as Record<string, unknown>
  return Object.fromEntries(
    Object.keys(record)
      .filter((key) => key !== 'traceback')
      .sort()
      .map((key) => [key, canonical(record[key])]),
  )
}

/** The whole body, with the nondeterministic parts normalized. */
function normalizedBody(body: unknown): string {
  if (typeof body !== 'object' || body === null) return String(body)
  const { prompt_id: _id, number: _n, ...rest } = body as Record<string, unknown>
  const nodeErrors = serverNodeErrors(body)
  const normalized: Record<string, unknown> = {}
  for (const [id, entry] of Object.entries(nodeErrors)) {
    normalized[id] = {
      ...entry,
      dependent_outputs: [...entry.dependent_outputs].sort(),
      errors: entry.errors.map((e) => stringifyJson(canonical(e))).sort(),
    }
  }
  return stringifyJson(canonical({ ...rest, node_errors: normalized }))
}

function compare(c: VerdictCase, verdict: Verdict): Comparison {
  const expected = serverNodeErrors(c.response)
  const got = verdict.nodeErrors
  const ownTop = verdict.status === 500 ? undefined : verdict.error?.type
  const sameVerdict =
    verdict.status === c.status && ownTop === topType(c.response) && droppedOutputs(expected) === droppedOutputs(got)
  const body = verdict.response({ promptId: 'x', number: 0 })
  return {
    verdict: sameVerdict,
    errorTypes: typeSets(expected) === typeSets(got),
    body: c.status === 500 ? body === c.response : normalizedBody(body) === normalizedBody(c.response),
  }
}

describe.each([
  { how: 'serverVersion 0.8.0 given', defs: verdictDefs, serverVersion: '0.8.0' },
  { how: 'nothing named: the release the definitions tell', defs: neutralVerdictDefs, serverVersion: undefined },
])('agreement with ComfyUI 0.8.0 verdicts ($how)', ({ defs: load, serverVersion }) => {
  const cases = loadVerdictCases({ all: true })
  const defs = load()
  const results = cases.map((c) => {
    const verdict = validateRequest(c.body, defs, serverVersion === undefined ? {} : { serverVersion })
    return { c, verdict, comparison: compare(c, verdict) }
  })
  const share = (key: keyof Comparison): number => results.filter((r) => r.comparison[key]).length / results.length

  it('covers every recorded request', () => {
    expect(cases.length).toBe(561)
  })

  it('imitates 0.8.0 behaviour', () => {
    expect(results[0]?.verdict.server.behaviour).toMatchObject({ missingNodeType: false, dependencyCycle: false })
    expect(results[0]?.verdict.server.source).toBe(serverVersion === undefined ? 'object_info' : 'option')
  })

  it('agrees on every verdict and on at least 99.5% of node error types', () => {
    const figures = {
      cases: results.length,
      verdict: `${(share('verdict') * 100).toFixed(1)}%`,
      errorTypes: `${(share('errorTypes') * 100).toFixed(1)}%`,
      wholeBody: `${(share('body') * 100).toFixed(1)}%`,
    }
    console.info(`server-verdict agreement: ${JSON.stringify(figures)}`)
    expect(share('verdict')).toBe(1)
    expect(share('errorTypes')).toBeGreaterThanOrEqual(0.995)
    // Messages, details and extra_info too (they differ only where the server's order is random):
    expect(share('body')).toBeGreaterThanOrEqual(0.97)
  })

  it('lists exactly the cases it cannot match', () => {
    const mismatched = results
      .filter((r) => !r.comparison.verdict || !r.comparison.errorTypes)
      .map((r) => r.c.file)
      .sort()
    expect(mismatched).toEqual(Object.keys(UNMATCHED).sort())
  })
})
