/** The recorded ComfyUI 0.8.0 verdicts in test/fixtures/server-verdicts, read for comparison with `validate`. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseObjectInfo } from '../../src/defs/load.js'
import type { DefSet } from '../../src/defs/model.js'
import { parsePythonJson } from '../../src/validate/python-json.js'
import { fixturePath } from '../helpers/fixtures.js'

export interface VerdictCase {
  readonly file: string
  readonly mutation: string
  /** The prompt as the server read it (Python JSON semantics: key order, floats, NaN). */
  readonly prompt: unknown
  readonly partialExecutionTargets?: unknown
  /** The whole POST /prompt body as the server read it (`{prompt, client_id}` where the case gives only a prompt). */
  readonly body: unknown
  readonly status: 200 | 400 | 500
  readonly response: unknown
}

const CASES = fixturePath('server-verdicts', 'cases')

/**
 * Every case, with the body it sent: `request_body` or `request_body_raw` (read with Python's JSON rules, so NaN
 * tokens and key order survive), else `{prompt, client_id}`. `all: false` keeps those that send a prompt.
 */
export function loadVerdictCases({ all = false } = {}): VerdictCase[] {
  const cases: VerdictCase[] = []
  for (const file of readdirSync(CASES).sort()) {
    const text = readFileSync(join(CASES, file), 'utf8')
    const record = parsePythonJson(text) as Record<string, unknown>
    let whole: unknown = { prompt: record['prompt'], client_id: 'oracle' }
    if (typeof record['request_body_raw'] === 'string') whole = parsePythonJson(record['request_body_raw'])
    else if (record['request_body'] !== undefined) whole = record['request_body']
    const body = (typeof whole === 'object' && whole !== null && !Array.isArray(whole) ? whole : {}) as Record<string, unknown>
    if (!all && (body !== whole || !Object.hasOwn(body, 'prompt'))) continue
    cases.push({
      file,
      mutation: String(record['mutation']),
      body: whole,
      prompt: body['prompt'],
      ...(Object.hasOwn(body, 'partial_execution_targets')
        ? { partialExecutionTargets: body['partial_execution_targets'] }
        : {}),
      status: record['status'] as 200 | 400 | 500,
      response: record['response'],
    })
  }
  return cases
}

let defs: DefSet | undefined

/** The server's /object_info when the verdicts were recorded. */
export function verdictDefs(): DefSet {
  defs ??= parseObjectInfo(readFileSync(fixturePath('server-verdicts', 'object_info_0.8.0.json'), 'utf8')).defs
  return defs
}

let neutral: DefSet | undefined

/** The same /object_info read as a user's file would be: no version in a name, nothing but the content. */
export function neutralVerdictDefs(): DefSet {
  neutral ??= parseObjectInfo(readFileSync(fixturePath('server-verdicts', 'object_info_0.8.0.json'), 'utf8')).defs
  return neutral
}
