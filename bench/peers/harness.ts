/**
 * The shared runner of the side-by-side benchmarks: contenders (comfy-dsl and the peers) take turns, round
 * by round in a rotating order, so that load on the machine falls on all of them alike; each sample may
 * carry several metrics (wall time, CPU...). The table gives medians and each contender's ratio to comfy-dsl.
 *
 *   const rows = await compare({ rounds: 7, contenders: [{ name: 'comfy-dsl', sample: async () => ({ wall: 12 }) }, ...] })
 *   printComparison('codegen, 792 classes', rows)
 */
import { readFileSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { median } from '../lib/stats.js'

/** One measurement of one contender: metric name to value (milliseconds unless the metric says otherwise). */
export type Sample = Readonly<Record<string, number>>

export interface Contender {
  readonly name: string
  /** Runs the job once and returns its metrics. */
  sample(): Promise<Sample>
  /** Run once before the rounds (e.g. to warm the file cache); not measured. */
  warmup?(): Promise<unknown>
}

export interface CompareOptions {
  readonly contenders: readonly Contender[]
  readonly rounds: number
  /** The contender the ratios are relative to (default: the first). */
  readonly baseline?: string
}

export interface ComparisonRow {
  readonly contender: string
  readonly metric: string
  readonly median: number
  readonly min: number
  /** median / the baseline's median of the same metric (undefined when the baseline lacks the metric). */
  readonly ratio: number | undefined
  readonly samples: number
}

/** Runs every contender `rounds` times, interleaved, and summarizes each metric. */
export async function compare(options: CompareOptions): Promise<ComparisonRow[]> {
  const { contenders } = options
  const samples = new Map<string, Sample[]>(contenders.map((c) => [c.name, []]))
  for (const c of contenders) await c.warmup?.()
  for (let round = 0; round < options.rounds; round++) {
    // Rotate who goes first, so no contender always runs right after the same neighbour:
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(round + i) % contenders.length] as Contender
      samples.get(c.name)?.push(await c.sample())
    }
  }
  const baseline = options.baseline ?? contenders[0]?.name
  const medians = new Map<string, number>()
  const rows: ComparisonRow[] = []
  for (const c of contenders) {
    const list = samples.get(c.name) ?? []
    const metrics = [...new Set(list.flatMap((s) => Object.keys(s)))]
    for (const metric of metrics) {
      const values = list.map((s) => s[metric]).filter((v): v is number => v !== undefined)
      const m = median(values)
      medians.set(`${c.name}\u0000${metric}`, m)
      const base = medians.get(`${baseline}\u0000${metric}`)
      rows.push({ contender: c.name, metric, median: m, min: Math.min(...values), ratio: base === undefined ? undefined : m / base, samples: values.length })
    }
  }
  return rows
}

/** Prints rows as an aligned table: metric, contender, median, min, ratio to the baseline. */
export function printComparison(title: string, rows: readonly ComparisonRow[], format: (metric: string, v: number) => string = defaultFormat): void {
  const table = [
    ['metric', 'contender', 'median', 'min', 'ratio'],
    ...[...rows]
      .sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0))
      .map((r) => [r.metric, r.contender, format(r.metric, r.median), format(r.metric, r.min), r.ratio === undefined ? '' : `${r.ratio.toFixed(2)} x`]),
  ]
  const widths = (table[0] as string[]).map((_, i) => Math.max(...table.map((row) => (row[i] as string).length)))
  const line = (row: string[]): string => row.map((cell, i) => (i >= 2 ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number))).join('  ').trimEnd()
  const samples = rows[0]?.samples ?? 0
  const heading = `${title} (${samples} interleaved rounds, medians; ratio = median / comfy-dsl's)`
  console.log(`\n${heading}\n${'-'.repeat(heading.length)}`)
  for (const row of table) console.log(line(row))
}

function defaultFormat(_metric: string, v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 2 : 0)} ms`
}

/** CPU time (user + system, ms) of this process's waited-for children, from /proc (Linux); undefined elsewhere. */
export function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    // Fields after the parenthesized command name; cutime and cstime are the 16th and 17th fields:
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[13]) + Number(fields[14])
    return Number.isFinite(ticks) ? ticks * 10 : undefined // USER_HZ is 100 on Linux
  } catch {
    return undefined
  }
}

/** Runs a command to completion (asynchronously, so servers in this process keep answering); wall and CPU ms. */
export async function runCommand(command: string, args: readonly string[], cwd: string): Promise<Sample> {
  const cpuBefore = childrenCpuMs()
  const start = performance.now()
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.on('error', reject)
    child.on('close', (exitCode) => resolve({ code: exitCode, output }))
  })
  const wall = performance.now() - start
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}: ${output.slice(-2000)}`)
  const cpuAfter = childrenCpuMs()
  return cpuBefore === undefined || cpuAfter === undefined ? { wall } : { wall, cpu: cpuAfter - cpuBefore }
}
