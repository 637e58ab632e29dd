/** The JSON Schema of API prompts: checked with a real JSON Schema validator, and the committed file kept current. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { afterAll, describe, expect, it } from 'vitest'
import { schemaCommand } from '../../src/cli/commands/schema.js'
import { buildPromptJsonSchema, promptJsonSchemaText } from '../../src/validate/index.js'
import { runCommand } from '../helpers/cli.js'
import { loadVerdictCases, verdictDefs } from './verdict-cases.js'

const REPO = join(import.meta.dirname, '..', '..')
const dir = mkdtempSync(join(tmpdir(), 'comfy-dsl-schema-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('buildPromptJsonSchema', () => {
  const schema = buildPromptJsonSchema(verdictDefs())
  const check = new Ajv2020({ strict: false }).compile(schema)
  const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value))
  const realPrompts = loadVerdictCases().filter((c) => c.mutation.startsWith('none') && c.status === 200)

  it('accepts the real workflows the server accepted as they were', () => {
    expect(realPrompts.length).toBeGreaterThan(10)
    for (const c of realPrompts) expect({ file: c.file, valid: check(plain(c.prompt)) }).toEqual({ file: c.file, valid: true })
  })

  it.each([
    ['an unknown class', { class_type: 'NoSuchNode', inputs: {} }],
    ['a value below min', { class_type: 'EmptyImage', inputs: { width: 0, height: 8, batch_size: 1, color: 0 } }],
    ['a missing required input', { class_type: 'EmptyImage', inputs: { height: 8, batch_size: 1, color: 0 } }],
    ['an option not in the list', { class_type: 'KSamplerSelect', inputs: { sampler_name: 'Euler' } }],
    ['a malformed link', { class_type: 'PreviewImage', inputs: { images: ['1'] } }],
  ])('rejects %s', (_name, node) => {
    expect(check({ '1': node })).toBe(false)
  })

  it('accepts links, wrapped lists, seeds beyond 2^53, any string for file lists, and keys the server ignores', () => {
    const prompt = {
      '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'not-listed.safetensors' } },
      '2': { class_type: 'RandomNoise', inputs: { noise_seed: 18446744073709550000 } },
      '3': { class_type: 'PreviewImage', inputs: { images: ['9', 0], upload: 'image' }, _meta: { title: 'x' }, is_changed: [1] },
      '4': { class_type: 'CLIPTextEncode', inputs: { text: { __value__: ['a'] }, clip: ['1', 1] } },
    }
    expect(check(prompt)).toBe(true)
  })
})

describe('comfy-dsl schema', () => {
  it('keeps schemas/comfyui-prompt.schema.json in step with the bundled definitions', async () => {
    const run = await runCommand(['schema', '--out', 'schemas/comfyui-prompt.schema.json', '--check'], {
      only: [schemaCommand],
      cwd: REPO,
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
  })

  it('writes the schema, and --check fails on a stale file', async () => {
    const out = join(dir, 'schema.json')
    const objectInfo = join(REPO, 'test', 'fixtures', 'server-verdicts', 'object_info_0.8.0.json')
    const write = await runCommand(['schema', '--object-info', objectInfo, '--out', out], { only: [schemaCommand] })
    expect(write).toMatchObject({ code: 0, stdout: `wrote ${out} (567 classes)\n` })
    expect(readFileSync(out, 'utf8')).toBe(promptJsonSchemaText(buildPromptJsonSchema(verdictDefs())))
    writeFileSync(out, '{}\n')
    const stale = await runCommand(['schema', '--object-info', objectInfo, '--out', out, '--check'], { only: [schemaCommand] })
    expect(stale.code).toBe(1)
    expect(stale.stderr).toContain('is stale')
    // An existing file is replaced only with --overwrite:
    const refused = await runCommand(['schema', '--object-info', objectInfo, '--out', out], { only: [schemaCommand] })
    expect(refused).toMatchObject({ code: 2, stderr: `error: ${out} exists; pass --overwrite to replace it (or choose another --out)\n` })
    const replaced = await runCommand(['schema', '--object-info', objectInfo, '--out', out, '--overwrite', '--json'], { only: [schemaCommand] })
    expect(JSON.parse(replaced.stdout)).toEqual({ ok: true, exitCode: 0, classes: 567, out, warnings: [] })
  })
})
