/**
 * UI → API against the real editor: for every UI fixture, what ComfyUI frontend 1.43.5 itself sent
 * (`test/fixtures/frontend-graph-to-prompt`, made with `app.loadGraphData()` + `app.graphToPrompt()` and the v0.26.0
 * definitions). Every node the editor gave a `class_type` must come out with the same class and exactly the same
 * inputs, and no node may come out that the editor did not send. Nodes of classes the definitions lack are sent by the
 * editor as placeholders without `class_type`; the server rejects them, so they are not compared.
 *
 * The editor ran with no extensions installed, so the conversion runs with `extensionVirtualTypes: false`.
 * The few listed exceptions are each checked to occur exactly as described.
 */
import { readdirSync } from 'node:fs'
import { isDeepStrictEqual } from 'node:util'
import { describe, expect, test } from 'vitest'
import { uiToApi } from '../../src/convert/ui-to-api.js'
import type { ApiPrompt } from '../../src/dsl/prompt.js'
import { parseJson } from '../../src/json/lossless.js'
import { fixturePath, loadDefs, readFixture } from '../helpers/fixtures.js'

type Prompt = Record<string, { class_type?: string; inputs: Record<string, unknown> }>

interface Exception {
  readonly reason: string
  /** Removes the difference from both sides; throws when it does not occur as described. */
  readonly apply: (actual: Prompt, expected: Prompt) => void
}

const stale = (what: string): never => {
  throw new Error(`listed exception does not occur: ${what}`)
}

// The editor's known bug (named in the fixtures' README): links that enter a legacy group node through an inner
// Reroute are dropped, and the server then rejects the prompt for missing inputs. The converter keeps them.
const groupRerouteLinks = (links: Record<string, string[]>): Exception => ({
  reason: 'editor bug: links entering a legacy group node through an inner Reroute are dropped; the converter keeps them (server-correct)',
  apply: (actual, expected) => {
    for (const [id, names] of Object.entries(links)) {
      for (const name of names) {
        const ours = actual[id]?.inputs[name]
        if (!Array.isArray(ours) || expected[id]?.inputs[name] !== undefined) stale(`${id}.${name} is not a link only the converter keeps`)
        delete actual[id]?.inputs[name]
      }
    }
  },
})

// LoadAudio's player URL ends in `&rand=<Math.random()>`, a cache-buster:
const audioCacheBuster = (id: string): Exception => ({
  reason: 'the audio player URL carries a random cache-buster',
  apply: (actual, expected) => {
    const strip = (v: unknown): unknown => (typeof v === 'string' ? v.replace(/&rand=[0-9.e-]+$/, '&rand=') : v)
    const a = actual[id]?.inputs ?? stale(`no node ${id}`)
    const e = expected[id]?.inputs ?? stale(`no node ${id}`)
    if (typeof e['audioUI'] !== 'string' || !/&rand=[0-9.]+$/.test(e['audioUI'])) stale(`node ${id} has no audioUI URL`)
    a['audioUI'] = strip(a['audioUI'])
    e['audioUI'] = strip(e['audioUI'])
  },
})

// A remote combo's options come from the server at run time (LoadImageOutput lists the output folder); the headless
// run's server answered with something of which the editor took the first entry, "L". No file holds it.
const remoteOptions = (id: string, name: string): Exception => ({
  reason: 'a remote combo shows the first option the server lists at run time; the file had no value',
  apply: (actual, expected) => {
    if (actual[id]?.inputs[name] !== null || expected[id]?.inputs[name] === undefined) stale(`${id}.${name} is not an unfilled remote combo`)
    delete actual[id]?.inputs[name]
    delete expected[id]?.inputs[name]
  },
})

const EXCEPTIONS: Readonly<Record<string, readonly Exception[]>> = {
  'pairs/edit_models__sdxl_edit_model': [
    groupRerouteLinks({ '37:3': ['model'], '37:6': ['positive', 'negative', 'pixels'], '37:7': ['model', 'negative'] }),
  ],
  'ui/browser_tests__widgets__all_load_widgets': [audioCacheBuster('1'), remoteOptions('7', 'image')],
  'ui/browser_tests__widgets__load_audio_widget': [audioCacheBuster('1')],
}

const FIXTURES = (['pairs', 'ui'] as const).flatMap((dir) =>
  readdirSync(fixturePath('frontend-graph-to-prompt', dir))
    .filter((f) => f.endsWith('.api.json'))
    .map((f) => `${dir}/${f.slice(0, -'.api.json'.length)}`),
)

function source(fixture: string): string {
  const [dir, name] = fixture.split('/') as [string, string]
  if (dir === 'pairs') return readFixture('workflows', 'pairs', `${name}.ui.json`)
  const files = readdirSync(fixturePath('workflows', 'ui'))
  const file = files.find((f) => f === `${name}.json` || f === `${name}.ui.json`) ?? stale(`no UI source for ${fixture}`)
  return readFixture('workflows', 'ui', file)
}

// JSON as the editor's output is compared: numbers, not bigints.
const plain = (prompt: ApiPrompt): Prompt => JSON.parse(JSON.stringify(prompt, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))) as Prompt

/** The differences between the conversion and the editor's output, node by node. */
function differences(actual: Prompt, expected: Prompt): string[] {
  const out: string[] = []
  for (const [id, node] of Object.entries(expected)) {
    if (node.class_type === undefined) continue
    const ours = actual[id]
    if (ours === undefined) {
      out.push(`${id} (${node.class_type}) missing`)
      continue
    }
    if (ours.class_type !== node.class_type) out.push(`${id}: class ${ours.class_type} instead of ${node.class_type}`)
    for (const name of new Set([...Object.keys(ours.inputs), ...Object.keys(node.inputs)])) {
      if (!isDeepStrictEqual(ours.inputs[name], node.inputs[name])) {
        out.push(`${id}.${name}: ${JSON.stringify(ours.inputs[name])} instead of ${JSON.stringify(node.inputs[name])}`)
      }
    }
  }
  for (const id of Object.keys(actual)) if (!(id in expected)) out.push(`${id} (${actual[id]?.class_type}) not sent by the editor`)
  return out
}

function convert(fixture: string): { actual: Prompt; expected: Prompt } {
  const workflow = parseJson(source(fixture))
  const { prompt } = uiToApi(workflow, loadDefs('core026'), { file: fixture, extensionVirtualTypes: false, random: () => 0.5 })
  return { actual: plain(prompt), expected: JSON.parse(readFixture('frontend-graph-to-prompt', `${fixture}.api.json`)) as Prompt }
}

describe('UI → API equals what the real editor sends', () => {
  test('there are fixtures', () => {
    expect(FIXTURES.length).toBe(118)
  })

  test.each(FIXTURES)('%s', (fixture) => {
    const { actual, expected } = convert(fixture)
    for (const exception of EXCEPTIONS[fixture] ?? []) exception.apply(actual, expected)
    expect(differences(actual, expected)).toEqual([])
  })

  test('without its exceptions each listed fixture differs (the list is not stale)', () => {
    for (const fixture of Object.keys(EXCEPTIONS)) {
      const { actual, expected } = convert(fixture)
      expect(differences(actual, expected).length, fixture).toBeGreaterThan(0)
    }
  })
})
