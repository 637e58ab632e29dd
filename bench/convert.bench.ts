/**
 * Conversion figures: UI -> API for every saved pair and for a 5,000-node workflow with reroutes and bypassed
 * nodes, and API -> DSL graph -> API for every API fixture and for a 10,000-node prompt.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { importApiPrompt } from '../src/convert/import-api.js'
import { loadWorkflow } from '../src/convert/load.js'
import { uiToApi } from '../src/convert/ui-to-api.js'
import { parseObjectInfo } from '../src/defs/load.js'
import { toPrompt, type ApiPrompt } from '../src/dsl/prompt.js'
import { parseJson } from '../src/json/lossless.js'
import { median, ms, printTable, timeRuns, type Row } from './lib/stats.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const workflows = join(root, 'test/fixtures/workflows')
const RUNS = Number(process.env['BENCH_RUNS'] ?? 20)

const defsText = readFileSync(join(root, 'snapshots/core_comfyui_v0.26.0.object_info.json'), 'utf8')
const defs = parseObjectInfo(defsText).defs

const pairTexts = readdirSync(join(workflows, 'pairs'))
  .filter((f) => f.endsWith('.ui.json'))
  .map((f) => readFileSync(join(workflows, 'pairs', f), 'utf8'))
const pairJson = pairTexts.map((t) => parseJson(t))
const apiJson = [
  ...readdirSync(join(workflows, 'api')).map((f) => join(workflows, 'api', f)),
  ...readdirSync(join(workflows, 'pairs'))
    .filter((f) => f.endsWith('.api.json'))
    .map((f) => join(workflows, 'pairs', f)),
].map((f) => parseJson(readFileSync(f, 'utf8')))

// A chain of latent upscales; every 7th link goes through a reroute, every 10th node is bypassed:
function bigUiWorkflow(size: number): unknown {
  const nodes: unknown[] = [{ id: 1, type: 'EmptyLatentImage', mode: 0, outputs: [{ name: 'LATENT', type: 'LATENT' }], widgets_values: [64, 64, 1] }]
  const links: unknown[][] = []
  let previous = 1
  let link = 1
  for (let id = 2; id <= size; id++) {
    let source = previous
    if (id % 7 === 0) {
      const reroute = size + id
      links.push([link, source, 0, reroute, 0, '*'])
      nodes.push({ id: reroute, type: 'Reroute', mode: 0, inputs: [{ name: '', type: '*', link: link++ }], outputs: [{ name: '', type: '*' }] })
      source = reroute
    }
    links.push([link, source, 0, id, 0, 'LATENT'])
    nodes.push({
      id,
      type: 'LatentUpscaleBy',
      mode: id % 10 === 0 ? 4 : 0,
      inputs: [{ name: 'samples', type: 'LATENT', link: link++ }],
      outputs: [{ name: 'LATENT', type: 'LATENT' }],
      widgets_values: ['nearest-exact', 1.5],
    })
    previous = id
  }
  return { version: 0.4, nodes, links }
}

function bigApiPrompt(size: number): ApiPrompt {
  const prompt: ApiPrompt = { '1': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } } }
  for (let id = 2; id <= size; id++) {
    prompt[String(id)] = {
      class_type: 'LatentUpscaleBy',
      inputs: { upscale_method: 'nearest-exact', scale_by: 1.5, samples: [String(id - 1), 0], list: { __value__: [id] } },
      _meta: { title: `step ${id}` },
    }
  }
  return prompt
}

async function row(measure: string, fn: () => unknown, note: string, runs = RUNS): Promise<Row> {
  return { measure, value: ms(median(await timeRuns(fn, runs))), note }
}

const bigUi = bigUiWorkflow(5000)
const bigApi = bigApiPrompt(10_000)
const pairNodes = pairJson.reduce<number>((n, w) => n + ((w as { nodes: unknown[] }).nodes.length ?? 0), 0)

printTable('convert', [
  await row('load core v0.26.0 definitions', () => parseObjectInfo(defsText), 'once per process (CLI: every run)', 5),
  await row(`uiToApi, all ${pairJson.length} pairs`, () => pairJson.forEach((w) => uiToApi(w, defs)), `${pairNodes} UI nodes`),
  await row(`loadWorkflow (parse + convert), all pairs`, () => pairTexts.forEach((t) => loadWorkflow(t, defs)), 'from JSON text'),
  await row('uiToApi, 5,000 nodes + 714 reroutes', () => uiToApi(bigUi, defs), '500 bypassed', 5),
  await row(`import + toPrompt, ${apiJson.length} API fixtures`, () => apiJson.forEach((p) => toPrompt(...importApiPrompt(p).roots)), 'round trip'),
  await row('import + toPrompt, 10,000-node prompt', () => toPrompt(...importApiPrompt(bigApi, { defs }).roots), 'a chain', 5),
])
