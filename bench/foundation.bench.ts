/**
 * Foundation figures: codegen of the 792-class core snapshot, type-checking a txt2img file that imports
 * every generated factory (TypeScript 5.9 and 7), and building + serializing a 10,000-node graph (also made of
 * subgraph calls).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineSubgraph, toPromptJson, type Output, type PromptRoot } from '../src/dsl/index.js'
import * as n from '../src/nodes/index.js'
import { median, ms, printTable, seconds, timeRuns, type Row } from './lib/stats.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const work = mkdtempSync(join(tmpdir(), 'comfy-dsl-bench-'))
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5)

function wallTimes(command: string, args: readonly string[], cwd: string, runs = RUNS): number[] {
  const times: number[] = []
  for (let i = 0; i < runs + 1; i++) {
    const start = performance.now()
    const result = spawnSync(command, args, { cwd, encoding: 'utf8' })
    const elapsed = performance.now() - start
    if (result.status !== 0 && result.status !== 2) {
      throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`)
    }
    if (i > 0) times.push(elapsed) // the first run warms the file cache
  }
  return times
}

function codegenRows(): Row[] {
  const out = join(work, 'codegen-out')
  const times = wallTimes(
    process.execPath,
    [join(root, 'bin/comfy-dsl.js'), 'codegen', '--object-info', join(root, 'snapshots/core_comfyui_v0.26.0.object_info.json'), '--out', out],
    root,
  )
  return [
    {
      measure: 'codegen, 792 classes (CLI, wall; bench/peers compares it with cfli)',
      value: seconds(median(times)),
      target: '<= 0.8 x cfli',
      note: `min ${seconds(Math.min(...times))}`,
    },
  ]
}

// A consumer project: `comfy-dsl` resolved through node_modules, as users install it:
function typecheckProject(): string {
  const dir = join(work, 'tsc')
  mkdirSync(join(dir, 'node_modules'), { recursive: true })
  symlinkSync(root, join(dir, 'node_modules', 'comfy-dsl'), 'dir')
  copyFileSync(join(root, 'bench/fixtures/txt2img.ts'), join(dir, 'txt2img.ts'))
  writeFileSync(join(dir, 'empty.ts'), 'export {}\n')
  const base = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: [] }
  const config = (files: string[], extra: object): string => JSON.stringify({ compilerOptions: { ...base, ...extra }, files })
  writeFileSync(join(dir, 'tsconfig.empty.json'), config(['empty.ts'], { skipLibCheck: true }))
  writeFileSync(join(dir, 'tsconfig.dts.json'), config(['txt2img.ts'], { skipLibCheck: true }))
  writeFileSync(join(dir, 'tsconfig.dts-checked.json'), config(['txt2img.ts'], { skipLibCheck: false }))
  // The generated sources themselves, fully checked (what this repo's own type check pays):
  writeFileSync(
    join(dir, 'tsconfig.src.json'),
    config(['txt2img.ts'], {
      skipLibCheck: true,
      paths: { 'comfy-dsl': [join(root, 'src/dsl/index.ts')], 'comfy-dsl/nodes': [join(root, 'src/nodes/index.ts')] },
    }),
  )
  return dir
}

function tscRows(): Row[] {
  const dir = typecheckProject()
  const tsc5 = join(root, 'node_modules/typescript/bin/tsc')
  const tsc7 = join(root, 'node_modules/typescript7/bin/tsc')
  const rows: Row[] = []
  const check = (label: string, tsc: string, project: string): string => {
    const diag = spawnSync(process.execPath, [tsc, '-p', project, '--extendedDiagnostics'], { cwd: dir, encoding: 'utf8' })
    const errors = diag.stdout.split('\n').filter((l) => l.includes('error TS'))
    if (errors.length > 0) throw new Error(`${label}: ${errors.join('\n')}`)
    return /Instantiations:\s+(\d+)/.exec(diag.stdout)?.[1] ?? ''
  }
  // A user's txt2img file against an empty file, runs interleaved (tsc 5.9 and 7): the ratio is the figure.
  for (const [version, tsc] of [['5.9', tsc5], ['7', tsc7]] as const) {
    const inst = check(`tsc ${version}`, tsc, 'tsconfig.dts.json')
    const empty: number[] = []
    const user: number[] = []
    for (let i = 0; i < RUNS + 1; i++) {
      for (const [project, into] of [['tsconfig.empty.json', empty], ['tsconfig.dts.json', user]] as const) {
        const start = performance.now()
        spawnSync(process.execPath, [tsc, '-p', project], { cwd: dir })
        if (i > 0) into.push(performance.now() - start)
      }
    }
    rows.push({ measure: `tsc ${version} --noEmit, empty project (baseline)`, value: seconds(median(empty)) })
    rows.push({
      measure: `tsc ${version} --noEmit, txt2img importing all core factories (package .d.ts)`,
      value: seconds(median(user)),
      target: '<= 1.2 x empty',
      note: `${(median(user) / median(empty)).toFixed(2)} x empty${inst ? `, ${inst} instantiations` : ''}`,
    })
  }
  const measure = (label: string, tsc: string, project: string): void => {
    const inst = check(label, tsc, project)
    rows.push({ measure: label, value: seconds(median(wallTimes(process.execPath, [tsc, '-p', project], dir))), note: inst ? `${inst} instantiations` : '' })
  }
  measure('tsc 5.9 --noEmit, same with skipLibCheck: false', tsc5, 'tsconfig.dts-checked.json')
  measure('tsc 5.9 --noEmit, same against the generated .ts sources', tsc5, 'tsconfig.src.json')
  measure('tsc 7 --noEmit, same against the generated .ts sources', tsc7, 'tsconfig.src.json')
  return rows
}

// 1,250 txt2img graphs of 8 nodes: 10,000 nodes, all reachable from 1,250 SaveImage outputs.
function buildGraph(): PromptRoot[] {
  const roots: PromptRoot[] = []
  for (let i = 0; i < 1250; i++) {
    const ckpt = n.checkpointLoaderSimple({ ckpt_name: 'model.safetensors' })
    const positive = n.clipTextEncode({ text: `prompt ${i}`, clip: ckpt.CLIP })
    const negative = n.clipTextEncode({ text: 'blurry', clip: ckpt.CLIP })
    const latent = n.emptyLatentImage({ width: 512, height: 512 })
    const sampled = n.ksampler({
      model: ckpt.MODEL,
      seed: BigInt(i) * 1_000_000_007n,
      sampler_name: 'euler',
      scheduler: 'normal',
      positive: positive.CONDITIONING,
      negative: negative.CONDITIONING,
      latent_image: latent.LATENT,
    })
    const image = n.vaeDecode({ samples: sampled.LATENT, vae: ckpt.VAE })
    const inverted = n.imageInvert({ image: image.IMAGE })
    roots.push(n.saveImage({ images: inverted.IMAGE, filename_prefix: `run-${i}` }))
  }
  return roots
}

// The same 10,000 nodes with each txt2img as one call of a subgraph (its decode + invert a nested one), as a user
// who packs the repeated part into a subgraph writes it: 1,250 loaders and SaveImages around 1,250 instances.
function buildSubgraphGraph(): PromptRoot[] {
  const finish = defineSubgraph('Finish', (samples: Output<'LATENT'>, vae: Output<'VAE'>) =>
    n.imageInvert({ image: n.vaeDecode({ samples, vae }).IMAGE }).IMAGE,
  )
  const txt2img = defineSubgraph('Txt2img', (model: Output<'MODEL'>, clip: Output<'CLIP'>, vae: Output<'VAE'>, text: string, seed: bigint) => {
    const positive = n.clipTextEncode({ text, clip })
    const negative = n.clipTextEncode({ text: 'blurry', clip })
    const latent = n.emptyLatentImage({ width: 512, height: 512 })
    const sampled = n.ksampler({
      model,
      seed,
      sampler_name: 'euler',
      scheduler: 'normal',
      positive: positive.CONDITIONING,
      negative: negative.CONDITIONING,
      latent_image: latent.LATENT,
    })
    return finish(sampled.LATENT, vae)
  })
  const roots: PromptRoot[] = []
  for (let i = 0; i < 1250; i++) {
    const ckpt = n.checkpointLoaderSimple({ ckpt_name: 'model.safetensors' })
    const image = txt2img(ckpt.MODEL, ckpt.CLIP, ckpt.VAE, `prompt ${i}`, BigInt(i) * 1_000_000_007n)
    roots.push(n.saveImage({ images: image, filename_prefix: `run-${i}` }))
  }
  return roots
}

async function graphRows(): Promise<Row[]> {
  let size = 0
  const times = await timeRuns(() => {
    size = toPromptJson(buildGraph()).length
  }, 30, 5)
  const alone = againstStringify(buildGraph())
  const expanded = againstStringify(buildSubgraphGraph())
  return [
    {
      measure: '10,000-node graph: build + serialize to JSON',
      value: ms(median(times)),
      target: '<= 50 ms',
      note: `${(size / 1e6).toFixed(1)} MB of JSON`,
    },
    {
      measure: '10,000-node graph: toPromptJson alone',
      value: ms(median(alone.ours)),
      target: '<= 2 x JSON.stringify',
      note: `${median(alone.ratios).toFixed(2)} x JSON.stringify of the same prompt (median of 100 paired rounds; JSON.stringify ${ms(median(alone.baseline))})`,
    },
    {
      measure: '10,000 nodes from 1,250 subgraph calls: toPromptJson alone',
      value: ms(median(expanded.ours)),
      target: '<= 2 x JSON.stringify',
      note: `${median(expanded.ratios).toFixed(2)} x JSON.stringify of the same (expanded) prompt (median of 100 paired rounds; JSON.stringify ${ms(median(expanded.baseline))})`,
    },
  ]
}

// Serializing alone against JSON.stringify of the same prompt as a plain object (what a builder that keeps API
// JSON, like the SDK's, pays). Fair: the plain prompt is parsed from our own text, so it has the same nodes, keys
// in the same order and the same values (the seeds here are below 2^53, plain numbers for both); the graph is
// built once, outside the timing, and toPromptJson keeps nothing from one call to the next. Each round times one
// of each, back to back, the first of the two alternating (garbage one leaves is collected in either); the figure
// is the median of the rounds' ratios, which the load on a shared machine moves far less than either time.
function againstStringify(roots: readonly PromptRoot[]): { ours: number[]; baseline: number[]; ratios: number[] } {
  const plain = JSON.parse(toPromptJson(roots)) as unknown
  const ours: number[] = []
  const baseline: number[] = []
  const ratios: number[] = []
  const time = (fn: () => unknown): number => {
    const start = performance.now()
    fn()
    return performance.now() - start
  }
  for (let i = 0; i < 110; i++) {
    const oursFirst = i % 2 === 0
    const first = oursFirst ? time(() => toPromptJson(roots)) : time(() => JSON.stringify(plain))
    const second = oursFirst ? time(() => JSON.stringify(plain)) : time(() => toPromptJson(roots))
    if (i < 10) continue // warm-up
    const [mine, theirs] = oursFirst ? [first, second] : [second, first]
    ours.push(mine)
    baseline.push(theirs)
    ratios.push(mine / theirs)
  }
  return { ours, baseline, ratios }
}

try {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-v'])
  const rows = [...codegenRows(), ...tscRows(), ...(await graphRows())]
  printTable(`foundation (${RUNS} runs each, medians; ${new Date().toISOString().slice(0, 10)})`, rows)
} finally {
  rmSync(work, { recursive: true, force: true })
}
