import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { convertCommand } from '../../src/cli/commands/convert.js'
import { uiToApi } from '../../src/convert/ui-to-api.js'
import { parseJson, stringifyJson } from '../../src/json/lossless.js'
import { runCommand } from '../helpers/cli.js'
import { fixturePath, loadDefs, readFixture } from '../helpers/fixtures.js'

const run = (...argv: string[]) => runCommand(['convert', ...argv], { only: [convertCommand], cwd: fixturePath('workflows') })

describe('comfy-dsl convert', () => {
  test('a UI workflow is printed as API JSON, using the bundled core definitions', async () => {
    const { code, stdout, stderr } = await run('pairs/lora__lora.ui.json')
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const expected = uiToApi(parseJson(readFixture('workflows', 'pairs', 'lora__lora.ui.json')), loadDefs('core026')).prompt
    expect(stdout).toBe(`${stringifyJson(expected, 2)}\n`)
  })

  test('--object-info picks the definitions', async () => {
    const { code, stdout } = await run('pairs/flux__flux_kontext_example.ui.json', '--object-info', `../object_info/core_comfyui_v0.8.0_cpu.object_info.json`)
    expect(code).toBe(0)
    const saved = parseJson(readFixture('workflows', 'pairs', 'flux__flux_kontext_example.api.json')) as Record<string, Record<string, unknown>>
    for (const node of Object.values(saved)) delete node['is_changed']
    expect(parseJson(stdout)).toEqual(saved)
  })

  test('an API workflow (or POST /prompt body) is printed as its prompt', async () => {
    const { code, stdout } = await run('api/stablecanvas__workflow-min.prompt-request-body.json')
    expect(code).toBe(0)
    const body = parseJson(readFixture('workflows', 'api', 'stablecanvas__workflow-min.prompt-request-body.json')) as { prompt: unknown }
    expect(parseJson(stdout)).toEqual(body.prompt)
  })

  test('warnings go to stderr with file and JSON path', async () => {
    const { code, stderr } = await run('ui/browser_tests__missing__deprecated_nodes_simple.json')
    expect(code).toBe(0)
    expect(stderr).toMatch(/^warning: ui\/browser_tests__missing__deprecated_nodes_simple\.json: \$\.nodes\[\d+\]\.type: class "/m)
  })

  test('--out writes through a temporary file and leaves nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convert-'))
    const out = join(dir, 'api.json')
    const { code, stdout } = await run('pairs/lora__lora.ui.json', '--out', out)
    expect(code).toBe(0)
    expect(stdout).toBe('')
    expect(readdirSync(dir)).toEqual(['api.json'])
    expect(Object.keys(parseJson(readFileSync(out, 'utf8')) as object)).toHaveLength(8)
  })

  test.each([
    ['invalid JSON', '{"nodes": [', /^error: bad\.json:1:\d+: invalid JSON/],
    ['neither format', '{"a": 1}', /^error: bad\.json: \$\.a: neither an API prompt/],
    ['an unknown UI version', '{"version": 2, "nodes": []}', /^error: bad\.json: \$\.version: UI workflow with version 2/],
    ['a malformed link', '{"version": 0.4, "nodes": [], "links": [[1, 2]]}', /^error: bad\.json: \$\.links\[0\]: expected a link/],
  ])('%s: a clear error, and an existing --out file is left as it was', async (_, text, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'convert-'))
    writeFileSync(join(dir, 'bad.json'), text)
    writeFileSync(join(dir, 'out.json'), 'previous')
    const result = await runCommand(['convert', 'bad.json', '--out', 'out.json', '--overwrite'], { only: [convertCommand], cwd: dir })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe('previous')
    expect(readdirSync(dir).sort()).toEqual(['bad.json', 'out.json'])
  })

  test('a missing file or definitions file is a typed error', async () => {
    expect(await run('nope.json')).toMatchObject({ code: 2, stderr: 'error: cannot read nope.json: no such file\n' })
    const missingDefs = await run('pairs/lora__lora.ui.json', '--object-info', 'nope.json')
    expect(missingDefs.code).toBe(2)
    expect(missingDefs.stderr).toMatch(/^error: cannot read .*nope\.json/)
  })

  test('an existing --out is replaced only with --overwrite; - reads stdin; --json prints one document', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convert-'))
    const api = JSON.stringify({ '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } } })
    writeFileSync(join(dir, 'out.json'), 'previous')
    const cli = (argv: string[]) => runCommand(['convert', '-', ...argv], { only: [convertCommand], cwd: dir, stdin: [api] })
    const refused = await cli(['--out', 'out.json'])
    expect(refused).toMatchObject({ code: 2, stderr: 'error: out.json exists; pass --overwrite to replace it (or choose another --out)\n' })
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe('previous')
    expect((await cli(['--out', 'out.json', '--overwrite'])).code).toBe(0)
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'))).toEqual(JSON.parse(api))
    const json = await cli(['--json'])
    expect(JSON.parse(json.stdout)).toEqual({ ok: true, exitCode: 0, format: 'api', prompt: JSON.parse(api), warnings: [] })
    expect(readdirSync(dir)).toEqual(['out.json'])
  })
})
