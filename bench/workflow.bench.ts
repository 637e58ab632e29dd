/**
 * UI workflow figures: layout of a 100-node graph (target ≤ 100 ms median), alone and with the whole
 * API → UI conversion, and of the three templates (with their overlap and backward-link counts, both 0).
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseObjectInfo } from '../src/defs/load.js'
import type { ApiPrompt } from '../src/dsl/prompt.js'
import { templates } from '../src/templates/index.js'
import { apiToWorkflow, layeredLayout, type Workflow, type WorkflowNode } from '../src/workflow/index.js'
import { median, ms, printTable, timeRuns, type Row } from './lib/stats.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const RUNS = Number(process.env['BENCH_RUNS'] ?? 30)
const defs = parseObjectInfo(readFileSync(join(root, 'snapshots/core_comfyui_v0.26.0.object_info.json'), 'utf8')).defs

// 100 nodes: one loader, a prompt, then a spine of samplers each decoded and saved, with every sampler also fed by
// the loader and the prompt (long links across the graph):
function graph100(): ApiPrompt {
  const prompt: ApiPrompt = {
    '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'a.safetensors' } },
    '2': { class_type: 'CLIPTextEncode', inputs: { text: 'x', clip: ['1', 1] } },
    '3': { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } },
  }
  let latent: [string, number] = ['3', 0]
  for (let id = 4; id <= 100; ) {
    if (id + 2 > 100) {
      prompt[String(id)] = { class_type: 'PreviewAny', inputs: { source: latent } }
      id++
      continue
    }
    prompt[String(id)] = { class_type: 'KSampler', inputs: { model: ['1', 0], positive: ['2', 0], negative: ['2', 0], latent_image: latent, seed: id, steps: 20, cfg: 7, sampler_name: 'euler', scheduler: 'normal', denoise: 0.5 } }
    prompt[String(id + 1)] = { class_type: 'VAEDecode', inputs: { samples: [String(id), 0], vae: ['1', 2] } }
    prompt[String(id + 2)] = { class_type: 'SaveImage', inputs: { images: [String(id + 1), 0], filename_prefix: `s${id}` } }
    latent = [String(id), 0]
    id += 3
  }
  return prompt
}

function check(workflow: Workflow): string {
  const box = (n: WorkflowNode) => [n.pos[0], n.pos[1] - 30, n.pos[0] + n.size[0], n.pos[1] + n.size[1]] as const
  let overlaps = 0
  for (const [i, a] of workflow.nodes.entries()) {
    for (const b of workflow.nodes.slice(i + 1)) {
      const [p, q] = [box(a), box(b)]
      if (p[0] < q[2] && q[0] < p[2] && p[1] < q[3] && q[1] < p[3]) overlaps++
    }
  }
  const byId = new Map(workflow.nodes.map((n) => [n.id, n]))
  const backward = workflow.links.filter(([, f, , t]) => {
    const [a, b] = [byId.get(f) as WorkflowNode, byId.get(t) as WorkflowNode]
    return a.pos[0] + a.size[0] >= b.pos[0]
  }).length
  return `${workflow.nodes.length} nodes, ${workflow.links.length} links, ${overlaps} overlaps, ${backward} backward links`
}

const big = graph100()
const bigWorkflow = apiToWorkflow(big, defs)
const layoutInput = bigWorkflow.nodes.map((n) => ({ width: n.size[0], height: n.size[1], band: 0 }))
const index = new Map(bigWorkflow.nodes.map((n, i) => [n.id, i]))
const edges = bigWorkflow.links.map(([, from, fromSlot, to, toSlot]) => ({ from: index.get(from) as number, fromSlot, to: index.get(to) as number, toSlot }))

const rows: Row[] = [
  { measure: 'layout alone, 100 nodes', value: ms(median(await timeRuns(() => layeredLayout(layoutInput, edges), RUNS, 3))), target: '≤ 100 ms', note: check(bigWorkflow) },
  { measure: 'apiToWorkflow, 100 nodes', value: ms(median(await timeRuns(() => apiToWorkflow(big, defs), RUNS, 3))), target: '≤ 100 ms', note: 'plan (widget rules) + layout + write' },
]
for (const template of Object.values(templates)) {
  const { prompt } = template.render()
  rows.push({ measure: `apiToWorkflow, ${template.name}`, value: ms(median(await timeRuns(() => apiToWorkflow(prompt, defs), RUNS, 3))), note: check(apiToWorkflow(prompt, defs)) })
}
printTable(`workflow (median of ${RUNS} runs)`, rows)
