/**
 * Hostile input: (1) parseJson on adversarial bodies (a long integer, then an unterminated string full of \")
 * of growing size, which must take time proportional to the size; (2) FUZZ_CASES (default 10,000) mutated real
 * workflows (test/fuzz/hostile-workflows.ts: nesting to 100,000 levels, 1e400, 4,301-digit integers, duplicate
 * and __proto__ keys, strings of 1 MB, arrays of 100,000 items, wrong types, broken text) through the parsers,
 * the library functions and the check, convert and import commands in process. Reports untyped errors (goal 0),
 * case times (goal: none over 1 s) and whether a built-in prototype changed.
 */
import fc from 'fast-check'
import { parseJson } from '../src/json/lossless.js'
import { BASES, BENCH_SIZES, buildCase, caseSpecs } from '../test/fuzz/hostile-workflows.js'
import { runCase, type Failure } from '../test/fuzz/run-case.js'
import { median, ms, printTable, seconds, timeRuns, type Row } from './lib/stats.js'

const CASES = Number(process.env['FUZZ_CASES'] ?? 10_000)
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261202)

/** `{"seed": <17 digits>, "text": "\"\"\"...` of about `kb` KiB, never terminated. */
function adversarialBody(kb: number): string {
  return `{"seed":12345678901234567,"text":"${'\\"'.repeat((kb * 1024) / 2)}`
}

async function parseRows(): Promise<Row[]> {
  const rows: Row[] = []
  let base: number | undefined
  for (const kb of [30, 120, 160, 1024]) {
    const body = adversarialBody(kb)
    const times = await timeRuns(() => {
      try {
        parseJson(body)
      } catch {
        // A JsonParseError with its position is the expected outcome.
      }
    }, 5)
    const t = median(times)
    base ??= t / kb
    rows.push({
      measure: `parseJson, adversarial body ${kb} KB (unterminated string of \\" after a 17-digit integer)`,
      value: ms(t),
      target: kb === 160 ? '< 50 ms (was 12 s)' : '',
      note: `${((t / kb) * 1000).toFixed(0)} us/KB (${((t / kb) / base).toFixed(1)}x the 30 KB rate)`,
    })
  }
  return rows
}

interface FuzzFigures {
  readonly failures: { readonly name: string; readonly failure: Failure }[]
  readonly typed: Map<string, number>
  readonly times: number[]
  slowest: { name: string; target: string; ms: number }
  prototypesChanged: number
  wallMs: number
}

async function fuzz(): Promise<FuzzFigures> {
  const specs = fc.sample(caseSpecs(BENCH_SIZES), { numRuns: CASES, seed: SEED })
  const figures: FuzzFigures = { failures: [], typed: new Map(), times: [], slowest: { name: '', target: '', ms: 0 }, prototypesChanged: 0, wallMs: 0 }
  const started = performance.now()
  for (let i = 0; i < specs.length; i++) {
    const c = buildCase(specs[i] as (typeof specs)[number], i)
    const result = await runCase(c)
    figures.times.push(result.ms)
    if (result.ms > figures.slowest.ms) figures.slowest = { name: c.name, target: result.slowest.target, ms: result.ms }
    for (const failure of result.failures) figures.failures.push({ name: c.name, failure })
    for (const [name, count] of result.typed) figures.typed.set(name, (figures.typed.get(name) ?? 0) + count)
    if (!result.prototypesIntact) figures.prototypesChanged++
    if ((i + 1) % 500 === 0) {
      process.stderr.write(`  ${i + 1}/${specs.length} cases, ${figures.failures.length} untyped, max ${ms(figures.slowest.ms)}, ${seconds(performance.now() - started)}\n`)
    }
  }
  figures.wallMs = performance.now() - started
  return figures
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number
}

async function main(): Promise<void> {
  printTable('parseJson on adversarial bodies (linear time)', await parseRows())
  console.log(`\nfuzzing ${CASES} mutated workflows from ${BASES.length} fixtures (seed ${SEED}; FUZZ_CASES and FUZZ_SEED change them)...`)
  const f = await fuzz()
  const sorted = [...f.times].sort((a, b) => a - b)
  const over = sorted.filter((t) => t > 1000).length
  const typed = [...f.typed].sort((a, b) => b[1] - a[1])
  printTable(`fuzz: ${CASES} hostile workflows through parsers, library and CLI (check, convert, import)`, [
    { measure: 'cases', value: String(CASES), target: '>= 10,000', note: `${seconds(f.wallMs)} in all` },
    { measure: 'untyped errors', value: String(f.failures.length), target: '0', note: f.failures.length > 0 ? 'listed below' : '' },
    { measure: 'built-in prototypes changed (cases)', value: String(f.prototypesChanged), target: '0' },
    { measure: 'case time, median', value: ms(median(f.times)), note: 'every target of one case together' },
    { measure: 'case time, p99', value: ms(percentile(sorted, 0.99)) },
    { measure: 'case time, max', value: ms(f.slowest.ms), target: '< 1 s', note: `slowest target: ${f.slowest.target}` },
    { measure: 'cases over 1 s', value: String(over), target: '0' },
    { measure: 'typed errors raised', value: String(typed.reduce((n, [, c]) => n + c, 0)), note: typed.slice(0, 5).map(([n, c]) => `${n} ${c}`).join(', ') },
  ])
  console.log(`\nslowest case: ${f.slowest.name.slice(0, 400)}`)
  for (const { name, failure } of f.failures.slice(0, 20)) console.log(`\nUNTYPED ${failure.target}: ${failure.what}\n  in ${name.slice(0, 400)}`)
  if (f.failures.length > 0 || f.prototypesChanged > 0) process.exitCode = 1
}

await main()
