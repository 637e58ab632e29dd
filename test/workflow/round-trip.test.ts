/**
 * Round trips through the UI format: DSL → UI → (our UI → API converter) → API equals DSL → API for every template
 * and every importable fixture workflow; API → UI → API for the API fixtures.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { loadWorkflow } from '../../src/convert/load.js'
import { importApiPrompt } from '../../src/convert/import-api.js'
import { uiToApi } from '../../src/convert/ui-to-api.js'
import { widgetDefault } from '../../src/convert/editor-widgets.js'
import type { DefSet } from '../../src/defs/model.js'
import { toPrompt, type ApiPrompt } from '../../src/dsl/prompt.js'
import { parseJson, stringifyJson } from '../../src/json/lossless.js'
import { templates } from '../../src/templates/index.js'
import { apiToWorkflow, toWorkflow, type WorkflowWarning } from '../../src/workflow/index.js'
import { fixturePath, loadDefs, readFixture } from '../helpers/fixtures.js'

/** What the editor sends for a workflow: the converter with its randomness pinned and prompts kept verbatim. */
function queue(workflow: unknown, defs: DefSet): ApiPrompt {
  const text = stringifyJson(workflow)
  return uiToApi(parseJson(text), defs, { dynamicPrompts: 'keep', random: () => 0, now: () => new Date(0) }).prompt
}

/** The converter always writes `_meta.title` (the class's display name when the node has none). */
function withTitles(prompt: ApiPrompt, defs: DefSet): ApiPrompt {
  const out: ApiPrompt = {}
  for (const [id, node] of Object.entries(prompt)) {
    out[id] = { ...node, _meta: { title: node._meta?.title ?? defs.classes.get(node.class_type)?.displayName ?? node.class_type } }
  }
  return out
}

const defs026 = loadDefs('core026')

describe('templates: DSL → UI → API equals DSL → API', () => {
  test.each(Object.values(templates).map((t) => [t.name, t] as const))('%s', (_name, template) => {
    const { prompt } = template.render()
    const workflow = apiToWorkflow(prompt, defs026)
    expect(queue(workflow, defs026)).toEqual(withTitles(prompt, defs026))
  })
})

function uiFixtures(): string[] {
  const pairs = readdirSync(fixturePath('workflows', 'pairs')).filter((f) => f.endsWith('.ui.json')).map((f) => `pairs/${f}`)
  const ui = readdirSync(fixturePath('workflows', 'ui')).filter((f) => f.endsWith('.json')).map((f) => `ui/${f}`)
  return [...pairs, ...ui].sort()
}

describe('fixture workflows: UI → API → DSL → UI → API equals DSL → API', () => {
  test.each(uiFixtures())('%s', (file) => {
    const { prompt } = loadWorkflow(readFixture('workflows', file), defs026, { file, dynamicPrompts: 'keep', random: () => 0, now: () => new Date(0) })
    const { roots } = importApiPrompt(prompt, { defs: defs026 })
    const expected = toPrompt(...roots)
    expect(queue(toWorkflow(roots, defs026), defs026)).toEqual(withTitles(expected, defs026))
  })
})

/**
 * What the editor itself changes in an older prompt, each with its reason: a widget the class has gained since is
 * written with its default (`added`), a value for an input the class no longer has is left out with a warning
 * (`dropped`), and a node whose class in the fixture is another version than in the snapshot is compared by class only.
 */
interface ApiDifferences {
  readonly added?: Readonly<Record<string, readonly string[]>>
  readonly dropped?: Readonly<Record<string, readonly string[]>>
  readonly otherClassVersion?: readonly string[]
}

const API_DIFFERENCES: Readonly<Record<string, ApiDifferences>> = {
  // DualCLIPLoader gained `device` after this prompt was saved:
  'comfyscript__SplitSigmasDenoise_flux.api.json': { added: { '14': ['device'] } },
  // An editor of 2024 sent the upload button's value; today's has no such input:
  'comfyui-json__inpaint_ipadapter.api.json': { dropped: { '20': ['upload'] } },
  // UNETLoader gained `weight_dtype`, CLIPLoader `device`:
  'comfyui-json__sd-cascade.api.json': { added: { '30': ['weight_dtype'], '32': ['weight_dtype'], '37': ['device'] } },
  // A RegexReplace of a custom pack, not core's (inputs `text`/`pattern` instead of `string`/`regex_pattern`):
  'comfyui-to-python__subgraph-identifiers.api.json': { otherClassVersion: ['173:132'], dropped: { '173:132': ['text', 'pattern'] } },
}

describe('API fixtures: API → UI → API', () => {
  const files = readdirSync(fixturePath('workflows', 'api')).filter((f) => f.endsWith('.json')).sort()
  test.each(files)('%s', (file) => {
    const json = parseJson(readFixture('workflows', 'api', file)) as Record<string, unknown>
    const prompt = ('prompt' in json ? json['prompt'] : json) as ApiPrompt
    const differences = API_DIFFERENCES[file] ?? {}
    const warnings: WorkflowWarning[] = []
    const actual = structuredClone(queue(apiToWorkflow(prompt, defs026, { warn: (w) => warnings.push(w) }), defs026))
    const expected = structuredClone(withTitles(prompt, defs026))
    const dropped = warnings.filter((w) => w.code === 'input_dropped').map((w) => w.message)
    expect(dropped).toEqual(
      Object.entries(differences.dropped ?? {}).flatMap(([id, names]) =>
        names.map((name) => `node ${id} (${prompt[id]?.class_type}): input "${name}" holds a value but the editor has no widget for it; left out`),
      ),
    )
    for (const [id, names] of Object.entries(differences.dropped ?? {})) for (const name of names) delete expected[id]?.inputs[name]
    for (const [id, names] of Object.entries(differences.added ?? {})) {
      for (const name of names) {
        const def = defs026.classes.get(prompt[id]?.class_type ?? '')?.inputs.find((i) => i.name === name)
        expect(actual[id]?.inputs[name], `${id}.${name}`).toEqual(def === undefined ? 'no such input' : widgetDefault(def)?.value)
        delete actual[id]?.inputs[name]
      }
    }
    for (const id of differences.otherClassVersion ?? []) {
      expect(actual[id]?.class_type).toEqual(expected[id]?.class_type)
      delete actual[id]
      delete expected[id]
    }
    expect(actual).toEqual(expected)
  })
})

describe('workflows/<template>.ui.json (generated)', () => {
  test.each(Object.keys(templates))('%s.ui.json queues %s.json', (name) => {
    const root = fixturePath('..', '..', 'workflows')
    const ui = parseJson(readFileSync(`${root}/${name}.ui.json`, 'utf8'))
    const api = parseJson(readFileSync(`${root}/${name}.json`, 'utf8')) as unknown as ApiPrompt
    expect(queue(ui, defs026)).toEqual(withTitles(api, defs026))
  })
})
