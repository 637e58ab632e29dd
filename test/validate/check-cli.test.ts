/** `comfy-dsl check`: verdicts per file, --json, UI workflows, exit codes. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkCommand } from '../../src/cli/commands/check.js'
import { runCommand } from '../helpers/cli.js'
import { fixturePath } from '../helpers/fixtures.js'

const dir = mkdtempSync(join(tmpdir(), 'comfy-dsl-check-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function write(name: string, content: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

const good = write('good.json', {
  '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color: 0 } },
  '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
})
const bad = write('bad.json', {
  '1': { class_type: 'EmptyImage', inputs: { width: 0, height: 64, batch_size: 1, color: 0 } },
  '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
})
const check = (...argv: string[]) => runCommand(['check', ...argv], { only: [checkCommand], cwd: dir })
const verdictDefs = fixturePath('server-verdicts', 'object_info_0.8.0.json')

describe('comfy-dsl check', () => {
  it('exits 0 when every file is accepted (bundled core definitions by default)', async () => {
    const run = await check('good.json')
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('good.json: accepted, outputs "2"\n')
  })

  it('exits 1 when a file is rejected, naming file, node, class, input and problem', async () => {
    const run = await check(good, bad)
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(`${bad}: rejected (HTTP 400)`)
    expect(run.stdout).toContain(`${bad}: node "1" (EmptyImage), input "width": Value 0 smaller than min of 1 [value_smaller_than_min]`)
    expect(run.stdout).toContain('2 files: 1 accepted, 1 rejected, 0 unusable')
  })

  it('prints one JSON object per file with --json, in the server\'s shape', async () => {
    const run = await check('--json', 'good.json', 'bad.json')
    const body = JSON.parse(run.stdout) as { ok: boolean; exitCode: number; files: Record<string, unknown>[]; warnings: unknown[] }
    expect(body).toMatchObject({ ok: false, exitCode: 1, warnings: [] })
    const reports = body.files
    expect(reports.map((r) => Object.keys(r))).toEqual([
      ['file', 'accepted', 'status', 'outputs', 'error', 'node_errors', 'server', 'warnings'],
      ['file', 'accepted', 'status', 'outputs', 'error', 'node_errors', 'server', 'warnings'],
    ])
    expect(reports[0]).toMatchObject({ file: 'good.json', accepted: true, status: 200, outputs: ['2'], error: null, node_errors: {}, warnings: [] })
    expect(reports[0]?.['server']).toMatchObject({ version: '0.26.0', source: 'definitions' })
    expect(reports[1]).toMatchObject({
      accepted: false,
      outputs: [],
      error: { type: 'prompt_outputs_failed_validation' },
      node_errors: { '1': { class_type: 'EmptyImage', dependent_outputs: ['2'], errors: [{ type: 'value_smaller_than_min' }] } },
    })
  })

  it('converts UI workflows before validating them', async () => {
    const ui = fixturePath('workflows', 'pairs', 'flux__flux_dev_example.ui.json')
    const run = await check('--object-info', verdictDefs, '--json', ui)
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout).files).toMatchObject([
      {
        file: ui,
        accepted: true,
        outputs: ['9'],
        error: null,
        node_errors: {},
        warnings: [`conversion: ${ui}: $.nodes[0].widgets_values: no value for widget "device"; the default "default" is used, as in the editor`],
      },
    ])
  })

  it('reads POST /prompt bodies with their partial_execution_targets', async () => {
    const body = write('body.json', {
      client_id: 'x',
      prompt: {
        '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
        '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
      },
      partial_execution_targets: ['9'],
    })
    const run = await check('--json', body)
    expect(JSON.parse(run.stdout).files[0]).toMatchObject({ accepted: false, error: { type: 'prompt_no_outputs' } })
  })

  it('imitates the release given with --server-version', async () => {
    const unknown = write('unknown.json', { '1': { class_type: 'NoSuchNode', inputs: {} } })
    const old = await check('--json', '--object-info', verdictDefs, '--server-version', '0.8.0', unknown)
    expect(JSON.parse(old.stdout).files[0].error.type).toBe('invalid_prompt')
    const latest = await check('--json', unknown)
    expect(JSON.parse(latest.stdout).files[0].error.type).toBe('missing_node_type')
  })

  it('exits 2 on unusable input and says why', async () => {
    const broken = write('broken.json', '{"1": ')
    const other = write('other.json', { name: 'package', version: 1 })
    const run = await check(good, broken, other, 'missing.json')
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`${broken}: unusable: ${broken}:1:7: invalid JSON`)
    expect(run.stderr).toContain(`${other}: unusable:`)
    expect(run.stderr).toContain('missing.json: unusable: cannot read missing.json: no such file')
    const json = await check('--json', 'missing.json')
    expect(JSON.parse(json.stdout).files[0]).toMatchObject({ accepted: false, error: { type: 'unusable_input' } })
  })

  it('tells the release from the object_info itself when its file name says nothing, and shows it', async () => {
    const neutral = write('object_info.json', readFileSync(verdictDefs, 'utf8'))
    const unknown = write('unknown-class.json', { '1': { class_type: 'NoSuchNode', inputs: {} } })
    const json = JSON.parse((await check('--json', '--object-info', neutral, unknown)).stdout).files[0]
    expect(json.error.type).toBe('invalid_prompt')
    expect(json.server).toMatchObject({ version: '0.8.0', source: 'object_info', fits: { before: '0.9.0' } })
    expect(json.server.evidence).toContain('"is_input_list" absent (before v0.12)')
    const human = await check('--object-info', neutral, unknown)
    expect(human.stderr).toContain('note: judged as ComfyUI 0.8.0')
    const named = JSON.parse((await check('--json', '--object-info', neutral, '--server-version', '0.26.0', unknown)).stdout).files[0]
    expect([named.error.type, named.server.source]).toEqual(['missing_node_type', 'option'])
  })

  it('--body judges whole POST /prompt bodies, as the server reads them', async () => {
    const files = [
      write('b-ok.json', { client_id: 'c', prompt: { '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } }, '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } } }, number: 5 }),
      write('b-none.json', { client_id: 'c' }),
      write('b-extra.json', { client_id: 'c', extra_data: 'x', prompt: {} }),
      write('b-text.json', '{not json'),
    ]
    const run = await check('--json', '--body', ...files)
    const reports = JSON.parse(run.stdout).files as { status: number; error: { type: string } | null; response: unknown }[]
    expect(reports.map((r) => [r.status, r.error?.type ?? null])).toEqual([
      [200, null],
      [400, 'no_prompt'],
      [500, 'internal_server_error'],
      [500, 'internal_server_error'],
    ])
    expect(reports[0]?.response).toMatchObject({ number: 5, node_errors: {} })
    expect(reports[3]?.response).toBe('500 Internal Server Error\n\nServer got itself in trouble')
    expect(run.code).toBe(1)
  })

  it('a UI document without nodes is what the editor makes of it: an empty prompt, which the server rejects', async () => {
    const empty = write('no-nodes.json', { last_node_id: 0, links: [], version: 0.4 })
    const run = await check('--json', empty)
    expect(JSON.parse(run.stdout).files[0]).toMatchObject({ status: 400, error: { type: 'prompt_no_outputs' } })
  })

  it('exits 2 when the definitions cannot be loaded', async () => {
    const run = await check('--object-info', 'nope.json', 'good.json')
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^error: cannot read .*nope\.json/)
  })

  it('says when --object-info is not an object_info, and exits 2', async () => {
    const run = await check('--object-info', 'good.json', 'good.json')
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('good.json is not an /object_info response: no entry is a node definition {input, output, ...} (it looks like an API prompt)')
    const json = await check('--json', '--object-info', 'good.json', 'good.json')
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { type: 'NotObjectInfoError' } })
  })

  it('does not reject the README\'s txt2img on the bundled definitions, which list no model files', async () => {
    const txt2img = write('txt2img.json', {
      '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly-fp16.safetensors' } },
      '2': { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } },
      '3': { class_type: 'VAEDecode', inputs: { samples: ['2', 0], vae: ['1', 2] } },
      '4': { class_type: 'SaveImage', inputs: { images: ['3', 0], filename_prefix: 'x' } },
    })
    const run = await check(txt2img)
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('file names are assumed present')
    // Asked to check the (empty) lists, it rejects with a hint instead of a bare "not in []":
    const listed = await check('--files', 'listed', txt2img)
    expect(listed.code).toBe(1)
    expect(listed.stdout).toContain("ckpt_name: 'v1-5-pruned-emaonly-fp16.safetensors' not in []")
    expect(listed.stdout).toContain('hint: the bundled core definitions list no model or image files')
  })

  it('a 64-bit integer where a list value belongs is a verdict, not an internal error (found by the fuzz bench)', async () => {
    const text =
      '{"1":{"class_type":"CheckpointLoaderSimple","inputs":{"ckpt_name":18446744073709551615}},' +
      '"2":{"class_type":"EmptyLatentImage","inputs":{"width":512,"height":512,"batch_size":1}},' +
      '"3":{"class_type":"VAEDecode","inputs":{"samples":["2",0],"vae":["1",2]}},' +
      '"4":{"class_type":"SaveImage","inputs":{"images":["3",0],"filename_prefix":"x"}}}'
    const run = await runCommand(['check', '--json', '--files', 'listed', '-'], { only: [checkCommand], cwd: dir, stdin: [text] })
    expect(run.code).toBe(1)
    expect(run.stdout).not.toContain('internal error')
    expect(run.stdout).toContain('18446744073709551615')
  })

  it('reads a workflow from stdin for -', async () => {
    const text = JSON.stringify({
      '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color: 0 } },
      '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
    })
    const run = await runCommand(['check', '-'], { only: [checkCommand], cwd: dir, stdin: [text] })
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('stdin: accepted, outputs "2"\n')
  })
})
