/** `comfy-dsl convert --to ui`: API JSON or a .ts graph module in, a UI workflow the editor opens out. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, test } from 'vitest'
import { convertCommand } from '../../src/cli/commands/convert.js'
import { uiToApi } from '../../src/convert/ui-to-api.js'
import type { ApiPrompt } from '../../src/dsl/prompt.js'
import { parseJson } from '../../src/json/lossless.js'
import type { Workflow } from '../../src/workflow/index.js'
import { runCommand } from '../helpers/cli.js'
import { fixturePath, loadDefs } from '../helpers/fixtures.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const dir = mkdtempSync(join(tmpdir(), 'comfy-convert-ui-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const run = (...argv: string[]) => runCommand(['convert', ...argv], { only: [convertCommand], cwd: dir })
const defs = loadDefs('core026')
const inputsOf = (prompt: ApiPrompt) => Object.fromEntries(Object.entries(prompt).map(([id, node]) => [id, [node.class_type, node.inputs]]))

test('API JSON in, a UI workflow out that queues the same prompt', async () => {
  const file = join(ROOT, 'workflows', 'controlnet_canny.json')
  const { code, stdout, stderr } = await run('--to', 'ui', file)
  expect(stderr).toBe('')
  expect(code).toBe(0)
  const workflow = parseJson(stdout) as unknown as Workflow
  expect(workflow.version).toBe(0.4)
  const prompt = JSON.parse(readFileSync(file, 'utf8')) as ApiPrompt
  expect(inputsOf(uiToApi(workflow, defs).prompt)).toEqual(inputsOf(prompt))
})

test('a .ts module exporting { outputs, groups } in, its groups framed', async () => {
  const module = join(dir, 'graph.ts')
  const src = (path: string) => JSON.stringify(join(ROOT, 'src', path))
  writeFileSync(
    module,
    [
      `import { node } from ${src('dsl/index.js')}`,
      `import { group } from ${src('workflow/index.js')}`,
      `const load = node('LoadImage', { image: 'example.png' }, { title: 'Photo' })`,
      `const invert = node('ImageInvert', { image: load.out(0) })`,
      `const save = node('SaveImage', { images: invert.out(0), filename_prefix: 'inv' })`,
      `export default { outputs: [save], groups: [group('Edit', [invert, save])] }`,
    ].join('\n'),
  )
  const { code, stdout, stderr } = await run('--to', 'ui', 'graph.ts', '--json')
  expect(stderr).toBe('')
  expect(code).toBe(0)
  const report = JSON.parse(stdout) as { ok: boolean; format: string; workflow: Workflow }
  expect(report.format).toBe('module')
  expect(report.workflow.groups.map((g) => g.title)).toEqual(['Edit'])
  expect(report.workflow.nodes.map((n) => [n.id, n.type, n.title])).toEqual([
    [1, 'LoadImage', 'Photo'],
    [2, 'ImageInvert', undefined],
    [3, 'SaveImage', undefined],
  ])
})

test('a UI workflow is printed as it is; a module without a graph is refused (exit 2)', async () => {
  const file = fixturePath('workflows', 'ui', 'comfyscript__default.ui.json')
  const { code, stdout } = await run('--to', 'ui', file)
  expect(code).toBe(0)
  expect(JSON.parse(stdout)).toEqual(JSON.parse(readFileSync(file, 'utf8')))
  writeFileSync(join(dir, 'empty.ts'), 'export default 42\n')
  const refused = await run('--to', 'ui', 'empty.ts')
  expect(refused.code).toBe(2)
  expect(refused.stderr).toContain('the default export is not a graph')
  expect((await run('--to', 'svg', file)).code).toBe(2)
})
