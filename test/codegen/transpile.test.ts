/**
 * Transpiling to DSL source: for every fixture workflow whose classes the bundled core definitions know, the
 * source compiles under strict tsc and its `toPrompt()` gives the same API JSON back. The compile shares its
 * program with the instantiation budget of the benchmark's txt2img.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { transpileToDsl } from '../../src/codegen/transpile/transpile.js'
import { loadWorkflow } from '../../src/convert/load.js'
import { parseObjectInfo } from '../../src/defs/load.js'
import type { ApiPrompt } from '../../src/dsl/prompt.js'
import { WorkflowFormatError } from '../../src/errors.js'
import { fixturePath } from '../helpers/fixtures.js'
import { sharedProgram, STRICT_OPTIONS, type SharedProgram } from '../helpers/typecheck.js'

const ROOT = join(import.meta.dirname, '..', '..')
const OUT = join(ROOT, 'test', '.tmp', 'transpile')
const TXT2IMG = join(ROOT, 'bench', 'fixtures', 'txt2img.ts')
const BUDGET = JSON.parse(readFileSync(join(ROOT, 'test', 'types', 'instantiation-budget.json'), 'utf8')) as { txt2img: number }
const defs = parseObjectInfo(readFileSync(join(ROOT, 'snapshots/core_comfyui_v0.26.0.object_info.json'), 'utf8')).defs

interface Case {
  readonly name: string
  readonly prompt: ApiPrompt
}

function allCases(): Case[] {
  const cases: Case[] = []
  const dirs = ['pairs', 'api', 'ui'].map((d) => fixturePath('workflows', d))
  for (const dir of dirs) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      if (dir.endsWith('pairs') && !file.endsWith('.api.json')) continue
      let prompt: ApiPrompt
      try {
        prompt = loadWorkflow(readFileSync(join(dir, file), 'utf8'), defs, { file }).prompt
      } catch {
        continue // conversion of UI files is tested in test/convert
      }
      const body = prompt as unknown as { prompt?: ApiPrompt }
      const api = (body.prompt && !('class_type' in body) ? body.prompt : prompt) as ApiPrompt
      const known = Object.values(api).every((n) => typeof n?.class_type === 'string' && defs.classes.has(n.class_type))
      if (known && Object.keys(api).length > 0) cases.push({ name: `${relative(fixturePath('workflows'), dir)}/${file}`, prompt: api })
    }
  }
  return cases
}

// What toPrompt cannot give back, by design: server-added node keys (is_changed) and _meta without a title.
function normalize(prompt: ApiPrompt): ApiPrompt {
  const out: ApiPrompt = {}
  for (const [id, node] of Object.entries(prompt)) {
    const title = node._meta?.title
    out[id] = { class_type: node.class_type, inputs: node.inputs, ...(typeof title === 'string' ? { _meta: { title } } : {}) }
  }
  return out
}

const cases = allCases()
const files = new Map<string, string>()

beforeAll(async () => {
  rmSync(OUT, { recursive: true, force: true })
  mkdirSync(OUT, { recursive: true })
  const dslModule = relative(OUT, join(ROOT, 'src/dsl/index.js'))
  const nodesModule = relative(OUT, join(ROOT, 'src/nodes/index.js'))
  for (const [i, c] of cases.entries()) {
    const { source } = await transpileToDsl(c.prompt, defs, { file: c.name, dslModule, nodesModule })
    const file = join(OUT, `case${i}.ts`)
    writeFileSync(file, source)
    files.set(c.name, file)
  }
}, 120_000)
afterAll(() => rmSync(OUT, { recursive: true, force: true }))

describe(transpileToDsl.name, () => {
  test('covers the fixture workflows whose classes are all known', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40)
  })

  // One program for the two checks that compile user code against the sources (the compiler's start-up, the lib
  // and the 1.5 MB of generated factories are paid once): the benchmark's txt2img, checked first so that its
  // instantiation count is that of a program of its own, then every transpiled source.
  let program: SharedProgram | undefined
  const userCode = (): SharedProgram =>
    (program ??= sharedProgram([TXT2IMG, ...files.values()], {
      ...STRICT_OPTIONS,
      skipLibCheck: true,
      paths: { 'comfy-dsl': [join(ROOT, 'src/dsl/index.ts')], 'comfy-dsl/nodes': [join(ROOT, 'src/nodes/index.ts')] },
    }))

  // Type-performance tripwire: txt2img importing all generated core factories must not grow more than 20% over the
  // committed budget (after kysely's and hono's budgets).
  test('the benchmark\'s txt2img type-checks within the instantiation budget', () => {
    const { errors, instantiations } = userCode().check((file) => !file.startsWith(OUT + '/'))
    expect(errors).toEqual([])
    expect(instantiations).toBeGreaterThan(0)
    expect(
      instantiations,
      `instantiations grew to ${instantiations} (budget ${BUDGET.txt2img}); if intended, update test/types/instantiation-budget.json`,
    ).toBeLessThanOrEqual(Math.round(BUDGET.txt2img * 1.2))
  }, 120_000)

  test('every transpiled source compiles under strict tsc', () => {
    const { errors } = userCode().check((file) => file.startsWith(OUT + '/'))
    expect(errors).toEqual([])
  }, 120_000)

  test.each(cases.map((c) => c.name))('%s serializes back to the same API JSON', async (name) => {
    const module = (await import(files.get(name) as string)) as { default: ApiPrompt }
    const original = cases.find((c) => c.name === name)?.prompt as ApiPrompt
    expect(module.default).toEqual(normalize(original))
  })

  test('nodes fall back to untyped node() only when they lack a required input of v0.26 or hold null', async () => {
    let total = 0
    const fallbacks: string[] = []
    for (const c of cases) {
      const { untyped } = await transpileToDsl(c.prompt, defs)
      total += Object.keys(c.prompt).length
      for (const u of untyped) {
        const def = defs.classes.get(u.classType)
        const inputs = c.prompt[u.id]?.inputs ?? {}
        const missing = def?.inputs.filter((i) => i.required && i.default === undefined && !(i.name in inputs)) ?? []
        const nulls = Object.values(inputs).filter((v) => v === null)
        // Saved by older editors (CLIPVisionEncode before `crop`), with a link cut by a bypass, or no file chosen:
        expect(missing.length + nulls.length, `${c.name} node ${u.id} (${u.classType})`).toBeGreaterThan(0)
        fallbacks.push(`${u.classType}#${u.id}`)
      }
    }
    expect(fallbacks.length / total).toBeLessThan(0.06)
  })

  test('a dangling link is a typed error with its JSON path', async () => {
    const prompt = { '1': { class_type: 'PreviewAny', inputs: { source: ['9', 0] } } }
    const error = await transpileToDsl(prompt, defs, { file: 'x.json' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WorkflowFormatError)
    expect((error as WorkflowFormatError).path).toEqual(['1', 'inputs', 'source'])
  })
})

describe('comfy-dsl import', () => {
  test('prints DSL source for a UI workflow and reports unusable input with exit 2', async () => {
    const { importCommand } = await import('../../src/cli/commands/import.js')
    const { runCommand } = await import('../helpers/cli.js')
    const ok = await runCommand(['import', fixturePath('workflows', 'pairs', 'lora__lora.ui.json')], { only: [importCommand] })
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain("import { checkpointLoaderSimple, clipTextEncode, emptyLatentImage, ksampler, loraLoader, saveImage, vaeDecode } from 'comfy-dsl/nodes'")
    expect(ok.stdout).toContain('export const prompt = toPrompt(')
    const bad = await runCommand(['import', fixturePath('images', 'comfy-ts__images_README.md')], { only: [importCommand] })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/comfy-ts__images_README\.md.*invalid JSON/)
  })
})
