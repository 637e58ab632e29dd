/** Rendering figures: every UI fixture pair drawn as SVG, and a 1,000-node grid workflow with 999 links. */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { coreDefs } from '../src/defs/core/index.js'
import { parseJson } from '../src/json/lossless.js'
import { renderWorkflowSvg } from '../src/render/index.js'
import { median, ms, printTable, timeRuns, type Row } from './lib/stats.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pairs = join(root, 'test/fixtures/workflows/pairs')
const RUNS = Number(process.env['BENCH_RUNS'] ?? 20)

const workflows = readdirSync(pairs)
  .filter((f) => f.endsWith('.ui.json'))
  .map((f) => parseJson(readFileSync(join(pairs, f), 'utf8')))
const nodes = workflows.reduce<number>((n, w) => n + (w as { nodes: unknown[] }).nodes.length, 0)

// KSamplers in a 40-wide grid, each fed the previous one's latent:
function grid(size: number): unknown {
  const list: unknown[] = []
  const links: unknown[][] = []
  for (let id = 1; id <= size; id++) {
    const link = id > 1 ? id - 1 : null
    if (link !== null) links.push([link, id - 1, 0, id, 3, 'LATENT'])
    list.push({
      id,
      type: 'KSampler',
      pos: [((id - 1) % 40) * 360, Math.floor((id - 1) / 40) * 320],
      inputs: ['model', 'positive', 'negative', 'latent_image'].map((name, i) => ({ name, type: ['MODEL', 'CONDITIONING', 'CONDITIONING', 'LATENT'][i], link: i === 3 ? link : null })),
      outputs: [{ name: 'LATENT', type: 'LATENT', links: id < size ? [id] : [] }],
      widgets_values: [id, 'fixed', 20, 8, 'euler', 'normal', 1],
    })
  }
  return { version: 0.4, nodes: list, links }
}

async function row(measure: string, fn: () => unknown, note: string, runs = RUNS): Promise<Row> {
  return { measure, value: ms(median(await timeRuns(fn, runs))), note }
}

const big = grid(1000)
printTable('render', [
  await row(`renderWorkflowSvg, all ${workflows.length} pairs`, () => workflows.forEach((w) => renderWorkflowSvg(w, { defs: coreDefs })), `${nodes} nodes, widgets named by the core definitions`),
  await row('renderWorkflowSvg, 1,000 KSamplers', () => renderWorkflowSvg(big, { defs: coreDefs }), `${Math.round(renderWorkflowSvg(big, { defs: coreDefs }).svg.length / 1024)} KiB of SVG`, 5),
])
