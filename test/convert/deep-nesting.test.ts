/**
 * Values nested 5,000 to 100,000 levels deep, handed over already parsed (as library callers do) or as files to
 * the CLI: a JsonDepthError naming the file and the JSON path (or, for the validator, the server's HTTP 500
 * verdict), never a stack overflow. In `check a b c`, one such file costs the others nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { checkCommand } from '../../src/cli/commands/check.js'
import { convertCommand } from '../../src/cli/commands/convert.js'
import { importCommand } from '../../src/cli/commands/import.js'
import { transpileToDsl } from '../../src/codegen/transpile/transpile.js'
import { importApiPrompt } from '../../src/convert/import-api.js'
import { loadWorkflow } from '../../src/convert/load.js'
import { readApiPrompt } from '../../src/convert/format.js'
import { uiToApi } from '../../src/convert/ui-to-api.js'
import { JsonDepthError, MAX_JSON_DEPTH } from '../../src/errors.js'
import { assertJsonDepth } from '../../src/json/depth.js'
import { validateRequest, validateRequestText } from '../../src/validate/request.js'
import { validate } from '../../src/validate/validate.js'
import { runCommand } from '../helpers/cli.js'
import { loadDefs, readFixture } from '../helpers/fixtures.js'

const defs = loadDefs('core026')
const API_TEXT = readFixture('workflows', 'pairs', 'autoflow__txt2img_basic.api.json')
const UI_TEXT = readFixture('workflows', 'pairs', 'autoflow__txt2img_basic.ui.json')
const api = (): Record<string, { inputs: Record<string, unknown>; _meta?: unknown }> => JSON.parse(API_TEXT)
const ui = (): { nodes: Record<string, unknown>[]; extra?: unknown } => JSON.parse(UI_TEXT)
const FIRST = Object.keys(api())[0] as string

/** `levels` alternating lists and objects `{"a": ...}` around 1. */
function deep(levels: number): unknown {
  let value: unknown = 1
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { a: value }
  return value
}

const DEPTHS = [5_000, 100_000]

function expectDepthError(fn: () => unknown, path: readonly (string | number)[], file?: string): void {
  let caught: unknown
  try {
    fn()
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(JsonDepthError)
  const error = caught as JsonDepthError
  expect(error.path.slice(0, path.length)).toEqual(path)
  expect(error.path.length).toBeGreaterThanOrEqual(MAX_JSON_DEPTH)
  expect(error.file).toBe(file)
  expect(error.message).toContain(`nested deeper than ${MAX_JSON_DEPTH} levels`)
}

describe.each(DEPTHS)('library entries on values %i levels deep', (levels) => {
  test('importApiPrompt: an input value or a _meta entry', () => {
    const prompt = api()
    prompt[FIRST]!.inputs['deep'] = deep(levels)
    expectDepthError(() => importApiPrompt(prompt, { defs, file: 'p.json' }), [FIRST, 'inputs', 'deep'], 'p.json')
    const meta = api()
    meta[FIRST]!._meta = { title: 't', x: deep(levels) }
    expectDepthError(() => importApiPrompt(meta, { defs }), [FIRST, '_meta', 'x'])
    expectDepthError(() => readApiPrompt({ prompt: prompt }), ['prompt', FIRST, 'inputs', 'deep'])
  })

  test('uiToApi: widget values, properties, extra', () => {
    const widgets = ui()
    widgets.nodes[0]!['widgets_values'] = [deep(levels)]
    expectDepthError(() => uiToApi(widgets, defs, { file: 'w.json' }), ['nodes', 0, 'widgets_values', 0], 'w.json')
    const extra = ui()
    extra.extra = deep(levels)
    expectDepthError(() => uiToApi(extra, defs), ['extra'])
    const properties = ui()
    properties.nodes[1]!['properties'] = deep(levels)
    expectDepthError(() => uiToApi(properties, defs), ['nodes', 1, 'properties'])
  })

  test('transpileToDsl (the import command\'s library function)', async () => {
    const prompt = api()
    prompt[FIRST]!.inputs['deep'] = { __value__: deep(levels) }
    await expect(transpileToDsl(prompt, defs)).rejects.toThrow(JsonDepthError)
  })

  test('validate: the server\'s HTTP 500 verdict (its json.loads raises RecursionError), with the path', () => {
    const prompt = api()
    prompt[FIRST]!.inputs['seed'] = deep(levels)
    const verdict = validate(prompt, defs)
    expect(verdict.status).toBe(500)
    expect(verdict.error?.details).toMatch(/^RecursionError: maximum recursion depth exceeded/)
    expect(verdict.issues[0]?.path.slice(0, 3)).toEqual([FIRST, 'inputs', 'seed'])
    const request = validateRequest({ prompt, client_id: 'c' }, defs)
    expect(request.status).toBe(500)
    expect(request.issues[0]?.path.slice(0, 4)).toEqual(['prompt', FIRST, 'inputs', 'seed'])
  })

  test('text: loadWorkflow and the request reader refuse it while reading', () => {
    const text = API_TEXT.replace('"inputs": {', `"inputs": {"deep": ${'['.repeat(levels)}${']'.repeat(levels)},`)
    expect(text).not.toBe(API_TEXT)
    // The first node of the text (JSON.parse orders integer-like keys numerically, the text need not):
    const first = /"(\d+)":/.exec(API_TEXT)?.[1]
    expectDepthError(() => loadWorkflow(text, defs, { file: 'api.json' }), [first as string, 'inputs', 'deep'], 'api.json')
    const verdict = validateRequestText(`{"prompt": ${text}}`, defs)
    expect(verdict.status).toBe(500)
    expect(verdict.error?.details).toMatch(/^RecursionError: /)
  })
})

describe('assertJsonDepth', () => {
  test('counts the outermost container as level 1; shared values are walked again only deeper; cycles are too deep', () => {
    expect(() => assertJsonDepth(deep(MAX_JSON_DEPTH))).not.toThrow()
    expect(() => assertJsonDepth(deep(MAX_JSON_DEPTH + 1))).toThrow(JsonDepthError)
    expect(() => assertJsonDepth(deep(3), { limit: 2 })).toThrow(JsonDepthError)
    // 2^60 paths through 60 shared levels: linear, not exponential.
    let shared: unknown = {}
    for (let i = 0; i < 60; i++) shared = { left: shared, right: shared }
    expect(() => assertJsonDepth(shared)).not.toThrow()
    const cycle: Record<string, unknown> = {}
    cycle['self'] = { back: cycle }
    expect(() => assertJsonDepth(cycle, { path: ['x'] })).toThrow(/\$\.x\.self\.back\.self/)
  })
})

describe('the CLI on deeply nested files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'comfy-dsl-deep-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const write = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text)
    return name
  }
  const good = write('good.json', API_TEXT)
  const deepApi = write('deep-api.json', API_TEXT.replace('"inputs": {', `"inputs": {"deep": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)},`))
  const deepUi = write('deep-ui.json', UI_TEXT.replace(/^\{/, `{"extra2": ${'['.repeat(5_000)}${']'.repeat(5_000)},`))
  const run = (argv: string[]) => runCommand(argv, { only: [checkCommand, convertCommand, importCommand], cwd: dir })

  test('check a b c: every other file gets its verdict, the deep ones a typed error, exit 2', async () => {
    const human = await run(['check', good, deepApi, deepUi])
    expect(human.code).toBe(2)
    expect(human.stdout).toContain('good.json: accepted')
    expect(human.stdout).toContain('3 files: 1 accepted, 0 rejected, 2 unusable')
    expect(human.stderr).toMatch(/deep-api\.json: unusable: deep-api\.json:\d+:\d+: \$\["\d+"\]\.inputs\.deep\.a\.a.*nested deeper than 1000 levels/)
    expect(human.stderr).toContain('deep-ui.json: unusable: deep-ui.json:1:')
    expect(human.stderr).not.toContain('RangeError')

    const json = await run(['check', '--json', deepApi, good, deepUi])
    expect(json.code).toBe(2)
    const body = JSON.parse(json.stdout) as { exitCode: number; files: { file: string; accepted: boolean; error: { type: string; details: string; extra_info: { path?: string } } | null }[] }
    expect(body.exitCode).toBe(2)
    expect(body.files.map((f) => [f.file, f.accepted, f.error?.type ?? null, f.error?.details ?? null])).toEqual([
      ['deep-api.json', false, 'unusable_input', 'JsonDepthError'],
      ['good.json', true, null, null],
      ['deep-ui.json', false, 'unusable_input', 'JsonDepthError'],
    ])
    expect(body.files[0]?.error?.extra_info.path).toMatch(/^\$\["\d+"\]\.inputs\.deep\.a\.a/)
  })

  test.each(['convert', 'convert --json', 'import', 'import --json'])('%s: exit 2 with JsonDepthError', async (command) => {
    const argv = command.split(' ')
    for (const file of [deepApi, deepUi]) {
      const result = await run([...argv, file])
      expect(result.code).toBe(2)
      const said = argv.includes('--json') ? (JSON.parse(result.stdout) as { error: { type: string; message: string } }).error : { type: 'JsonDepthError', message: result.stderr }
      expect(said.type).toBe('JsonDepthError')
      expect(said.message).toContain('nested deeper than 1000 levels')
      expect(result.stderr + result.stdout).not.toContain('RangeError')
    }
  })
})
