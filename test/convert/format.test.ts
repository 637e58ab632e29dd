import { describe, expect, test } from 'vitest'
import { detectFormat, readApiPrompt } from '../../src/convert/format.js'
import { loadWorkflow } from '../../src/convert/load.js'
import { JsonParseError, WorkflowFormatError } from '../../src/errors.js'
import { parseJson } from '../../src/json/lossless.js'
import { loadDefs, readFixture } from '../helpers/fixtures.js'

const defs = loadDefs('core026')

describe(detectFormat.name, () => {
  test.each([
    ['workflows/pairs/lora__lora.ui.json', 'ui'],
    ['workflows/pairs/lora__lora.api.json', 'api'],
    ['workflows/api/stablecanvas__workflow-min.prompt-request-body.json', 'api'],
    ['workflows/ui/browser_tests__subgraphs__nested-subgraph.json', 'ui'],
  ])('%s is %s', (file, format) => {
    expect(detectFormat(parseJson(readFixture(...file.split('/'))))).toBe(format)
  })

  test.each([
    [[1, 2], [], 'expected a JSON object'],
    ['text', [], 'expected a JSON object'],
    [{ nodes: {} }, ['nodes'], 'list of UI nodes'],
    [{ '3': { inputs: {} } }, ['3'], 'neither an API prompt'],
    [{ '3': { class_type: 'A', inputs: {} }, '4': 5 }, ['4'], 'neither an API prompt'],
  ])('%j is neither: error at %j', (json, path, message) => {
    const error = catchError(() => detectFormat(json, { file: 'x.json' }))
    expect(error).toBeInstanceOf(WorkflowFormatError)
    expect((error as WorkflowFormatError).path).toEqual(path)
    expect((error as WorkflowFormatError).message).toContain('x.json')
    expect((error as WorkflowFormatError).message).toContain(message)
  })
})

describe(readApiPrompt.name, () => {
  test('unwraps a POST /prompt body', () => {
    const prompt = readApiPrompt(parseJson(readFixture('workflows', 'api', 'stablecanvas__workflow-min.prompt-request-body.json')))
    expect(Object.values(prompt).every((n) => typeof n.class_type === 'string')).toBe(true)
  })

  test.each([
    [{ '1': { class_type: '', inputs: {} } }, ['1', 'class_type']],
    [{ '1': { class_type: 'A' } }, ['1', 'inputs']],
    [{ '1': { class_type: 'A', inputs: [] } }, ['1', 'inputs']],
    [{ '1': { class_type: 'A', inputs: {}, _meta: 'x' } }, ['1', '_meta']],
    [{ prompt: { '1': { class_type: 'A', inputs: 3 } } }, ['prompt', '1', 'inputs']],
  ])('%j: error at %j', (json, path) => {
    const error = catchError(() => readApiPrompt(json, { file: 'p.json' }))
    expect(error).toBeInstanceOf(WorkflowFormatError)
    expect((error as WorkflowFormatError).path).toEqual(path)
  })
})

describe(loadWorkflow.name, () => {
  test('API text passes through; UI text is converted', () => {
    const api = loadWorkflow(readFixture('workflows', 'pairs', 'lora__lora.api.json'), defs)
    expect(api.format).toBe('api')
    const ui = loadWorkflow(readFixture('workflows', 'pairs', 'lora__lora.ui.json'), defs)
    expect(ui.format).toBe('ui')
    expect(Object.keys(ui.prompt).sort()).toEqual(Object.keys(api.prompt).sort())
  })

  test('invalid JSON names file, line and column', () => {
    const error = catchError(() => loadWorkflow('{\n  "1": {,\n}', defs, { file: 'bad.json' }))
    expect(error).toBeInstanceOf(JsonParseError)
    expect((error as JsonParseError).message).toMatch(/^bad\.json:2:\d+: invalid JSON/)
  })

  test('a UI file of an unknown version', () => {
    const error = catchError(() => loadWorkflow('{"version": 7, "nodes": [], "links": []}', defs, { file: 'new.json' }))
    expect(error).toBeInstanceOf(WorkflowFormatError)
    expect((error as WorkflowFormatError).path).toEqual(['version'])
    expect((error as WorkflowFormatError).message).toBe(
      'new.json: $.version: UI workflow with version 7; this version of comfy-dsl reads versions 0.4 and 1',
    )
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

test('a litegraph document without nodes is a UI workflow (the editor queues nothing); other objects are not', () => {
  expect(detectFormat({ last_node_id: 0, links: [], version: 0.4 })).toBe('ui')
  expect(() => detectFormat({ name: 'package', version: 1 })).toThrow(/neither an API prompt/)
})
