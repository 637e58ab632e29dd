/** `comfy-dsl render`: the CLI conventions (stdin/stdout, --out, --overwrite, --json, exit codes) around the renderer. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { renderCommand } from '../../src/cli/commands/render.js'
import { coreDefs } from '../../src/defs/core/index.js'
import { readWorkflowMetadata, writeWorkflowMetadata } from '../../src/images/index.js'
import { parseJson } from '../../src/json/lossless.js'
import { renderWorkflowSvg } from '../../src/render/index.js'
import { runCommand } from '../helpers/cli.js'
import { fixturePath, readFixture } from '../helpers/fixtures.js'
import { parseSvg } from './svg-parse.js'

const run = (argv: string[], stdin?: string[]) =>
  runCommand(['render', ...argv], { only: [renderCommand], cwd: fixturePath('workflows'), ...(stdin === undefined ? {} : { stdin }) })

const LORA = 'pairs/lora__lora.ui.json'
const expected = (file: string): string => renderWorkflowSvg(parseJson(readFixture('workflows', ...file.split('/'))), { defs: coreDefs, file }).svg

describe('comfy-dsl render', () => {
  test('prints the SVG of a UI workflow, widgets named by the bundled core definitions', async () => {
    const { code, stdout, stderr } = await run([LORA])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toBe(expected(LORA))
  })

  test('reads stdin for -', async () => {
    const { code, stdout } = await run(['-'], [readFixture('workflows', 'pairs', 'lora__lora.ui.json')])
    expect(code).toBe(0)
    expect(parseSvg(stdout).filter((e) => e.attributes['class'] === 'link')).toHaveLength(11)
  })

  test('-o writes the file (and nothing else); an existing one is kept without --overwrite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'render-'))
    const out = join(dir, 'graph.svg')
    const first = await run([LORA, '-o', out])
    expect(first).toMatchObject({ code: 0, stdout: '' })
    expect(first.stderr).toContain('8 nodes, 11 links, 0 groups')
    expect(readFileSync(out, 'utf8')).toBe(expected(LORA))
    expect(readdirSync(dir)).toEqual(['graph.svg'])
    writeFileSync(out, 'mine')
    const refused = await run(['ui/browser_tests__default.json', '--out', out])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('exists; pass --overwrite')
    expect(readFileSync(out, 'utf8')).toBe('mine')
    expect((await run(['ui/browser_tests__default.json', '--out', out, '--overwrite'])).code).toBe(0)
    expect(readFileSync(out, 'utf8')).toBe(expected('ui/browser_tests__default.json'))
  })

  test('--json prints one document with the format, the counts and the SVG (or the file it wrote), warnings included', async () => {
    const { code, stdout } = await run(['ui/browser_tests__links__bad_link.json', '--json'])
    expect(code).toBe(0)
    const report = JSON.parse(stdout) as Record<string, unknown>
    expect(report).toMatchObject({ ok: true, exitCode: 0, format: 'ui', nodes: 2, links: 0, groups: 0 })
    expect(report['svg']).toBe(expected('ui/browser_tests__links__bad_link.json'))
    expect(report['warnings']).toEqual([
      { message: expect.stringMatching(/^ui\/browser_tests__links__bad_link\.json: \$\.links\[0\]: link 3 joins/), file: 'ui/browser_tests__links__bad_link.json' },
    ])
  })

  test('draws the workflow a ComfyUI output PNG carries', async () => {
    const png = fixturePath('images', 'comfyui-examples__lora_multiple_with_embedded_workflow.png')
    const { code, stdout } = await run([png])
    expect(code).toBe(0)
    const { workflow } = await readWorkflowMetadata(png)
    expect(stdout).toBe(renderWorkflowSvg(workflow, { defs: coreDefs, file: png }).svg)
    expect(parseSvg(stdout).filter((e) => e.attributes['class'] === 'node-box').length).toBeGreaterThan(5)
  })

  test('lays out an API prompt first (as convert --to ui does): every node, every link', async () => {
    const { code, stdout, stderr } = await run(['pairs/lora__lora.api.json', '--json'])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const prompt = parseJson(readFixture('workflows', 'pairs', 'lora__lora.api.json')) as Record<string, { inputs: Record<string, unknown> }>
    const links = Object.values(prompt).flatMap((n) => Object.values(n.inputs).filter((v) => Array.isArray(v))).length
    const report = JSON.parse(stdout) as { format: string; nodes: number; links: number; svg: string }
    expect(report).toMatchObject({ format: 'api', nodes: Object.keys(prompt).length, links })
    const elements = parseSvg(report.svg)
    expect(elements.filter((e) => e.attributes['class'] === 'link')).toHaveLength(links)
    expect(elements.filter((e) => e.attributes['class'] === 'node-box').map((e) => e.attributes['data-id']).sort()).toEqual(Object.keys(prompt).sort())
  })

  test('an output image holding only the API prompt is laid out from it, with a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'render-'))
    const prompt = parseJson(readFixture('workflows', 'pairs', 'lora__lora.api.json'))
    const { data } = await writeWorkflowMetadata(readFileSync(fixturePath('images', 'comfyui-examples__controlnet_shark_depthmap.png')), { prompt })
    writeFileSync(join(dir, 'out.png'), data)
    const { code, stdout, stderr } = await run([join(dir, 'out.png')])
    expect(code).toBe(0)
    expect(stderr).toMatch(/^warning: .*out\.png has only the API prompt \(no "workflow" entry\); it is laid out anew/)
    expect(parseSvg(stdout).filter((e) => e.attributes['class'] === 'node-box')).toHaveLength(Object.keys(prompt as object).length)
  })

  test.each([
    ['invalid JSON', 'bad.json', /^error: .*bad\.json:1:\d+: invalid JSON/],
    ['a node without a position', 'nopos.json', /^error: .*nopos\.json: \$\.nodes\[0\]\.pos: node 3: expected its position/],
    ['an image without a workflow', 'plain.png', /^error: .*plain\.png has no workflow metadata/],
  ])('%s: exit 2 with a message naming the file', async (_what, name, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'render-'))
    writeFileSync(join(dir, 'bad.json'), '{"nodes": [')
    writeFileSync(join(dir, 'nopos.json'), '{"nodes": [{"id": 3, "type": "KSampler"}]}')
    writeFileSync(join(dir, 'plain.png'), readFileSync(fixturePath('images', 'comfyui-examples__controlnet_shark_depthmap.png')))
    const file = name.startsWith('pairs/') ? name : join(dir, name)
    const { code, stdout, stderr } = await run([file])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toMatch(message)
  })
})
