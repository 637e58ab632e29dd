/**
 * Validator figures, definitions already loaded: every API workflow in the fixtures, the 560 recorded
 * server-verdict prompts, and generated 10,000-node graphs (a fan-in DAG and a plain chain).
 * Run: `npx tsx bench/validate.bench.ts` (BENCH_RUNS=n to change the number of measured runs).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseObjectInfo } from '../src/defs/load.js'
import { parseJson } from '../src/json/lossless.js'
import { parsePythonJson, validate } from '../src/validate/index.js'
import { median, ms, printTable, timeRuns, type Row } from './lib/stats.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const workflows = join(root, 'test/fixtures/workflows')
const RUNS = Number(process.env['BENCH_RUNS'] ?? 20)

const defs = parseObjectInfo(readFileSync(join(root, 'snapshots/core_comfyui_v0.26.0.object_info.json'), 'utf8')).defs
const defs080 = parseObjectInfo(readFileSync(join(root, 'test/fixtures/server-verdicts/object_info_0.8.0.json'), 'utf8')).defs

const apiPrompts = [
  ...readdirSync(join(workflows, 'api')).map((f) => join(workflows, 'api', f)),
  ...readdirSync(join(workflows, 'pairs'))
    .filter((f) => f.endsWith('.api.json'))
    .map((f) => join(workflows, 'pairs', f)),
].map((f) => {
  const json = parseJson(readFileSync(f, 'utf8')) as Record<string, unknown>
  // A POST /prompt body holds the prompt under "prompt":
  return typeof json['prompt'] === 'object' && json['prompt'] !== null && !('class_type' in json['prompt']) ? json['prompt'] : json
})

const casesDir = join(root, 'test/fixtures/server-verdicts/cases')
const caseTexts = readdirSync(casesDir).map((f) => readFileSync(join(casesDir, f), 'utf8'))
const casePrompts = caseTexts.map((t) => (parsePythonJson(t) as { prompt: unknown }).prompt)

/** A DAG of `size` nodes: each ImageBlend takes the two nodes before it, so most links hit the memo. */
function fanInGraph(size: number): Record<string, unknown> {
  const prompt: Record<string, unknown> = {
    '0': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color: 0 } },
    '1': { class_type: 'ImageInvert', inputs: { image: ['0', 0] } },
  }
  for (let i = 2; i < size - 1; i++) {
    prompt[String(i)] = {
      class_type: 'ImageBlend',
      inputs: { image1: [String(i - 1), 0], image2: [String(i - 2), 0], blend_factor: 0.5, blend_mode: 'normal' },
    }
  }
  prompt[String(size - 1)] = { class_type: 'PreviewImage', inputs: { images: [String(size - 2), 0] } }
  return prompt
}

function chainGraph(size: number): Record<string, unknown> {
  const prompt: Record<string, unknown> = { '0': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color: 0 } } }
  for (let i = 1; i < size - 1; i++) prompt[String(i)] = { class_type: 'ImageInvert', inputs: { image: [String(i - 1), 0] } }
  prompt[String(size - 1)] = { class_type: 'PreviewImage', inputs: { images: [String(size - 2), 0] } }
  return prompt
}

const fanIn = fanInGraph(10_000)
const chain = chainGraph(10_000)
for (const graph of [fanIn, chain]) {
  if (!validate(graph, defs).accepted) throw new Error('the generated graph should be valid')
}

const rows: Row[] = []
const measure = async (label: string, fn: () => unknown, target?: string, note?: string): Promise<void> => {
  const value = median(await timeRuns(fn, RUNS, 2))
  rows.push({ measure: label, value: ms(value), ...(target ? { target } : {}), ...(note ? { note } : {}) })
}

await measure(
  `all API workflows in the fixtures (${apiPrompts.length})`,
  () => apiPrompts.forEach((p) => validate(p, defs)),
  '<= 50 ms',
  'v0.26 core definitions, lint on',
)
await measure(`  same, lint off`, () => apiPrompts.forEach((p) => validate(p, defs, { lint: false })))
await measure(
  `server-verdict prompts (${casePrompts.length})`,
  () => casePrompts.forEach((p) => validate(p, defs080, { serverVersion: '0.8.0' })),
  undefined,
  '0.8.0 definitions',
)
await measure(`  read with parsePythonJson + validate`, () =>
  caseTexts.forEach((t) => validate((parsePythonJson(t) as { prompt: unknown }).prompt, defs080, { serverVersion: '0.8.0' })),
)
await measure('10,000-node fan-in DAG', () => validate(fanIn, defs), '<= 100 ms', 'lint on')
await measure('  same, lint off', () => validate(fanIn, defs, { lint: false }))
await measure('10,000-node chain', () => validate(chain, defs), '<= 100 ms', 'iterative DFS, lint on')

printTable(`validate (median of ${RUNS} runs)`, rows)
