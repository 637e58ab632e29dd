/** Shared helpers for benchmarks: repeated timing, medians, and a plain-text table. */

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times; returns the durations in milliseconds. */
export async function timeRuns(fn: () => unknown, runs: number, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await fn()
    times.push(performance.now() - start)
  }
  return times
}

export interface Row {
  readonly measure: string
  readonly value: string
  readonly target?: string
  readonly note?: string
}

/** Prints rows as an aligned table with a title. */
export function printTable(title: string, rows: readonly Row[]): void {
  const header: Row = { measure: 'measure', value: 'median', target: 'target', note: 'note' }
  const all = [header, ...rows]
  const width = (key: keyof Row): number => Math.max(...all.map((r) => (r[key] ?? '').length))
  const w = { measure: width('measure'), value: width('value'), target: width('target'), note: width('note') }
  const line = (r: Row): string =>
    [r.measure.padEnd(w.measure), r.value.padStart(w.value), (r.target ?? '').padEnd(w.target), r.note ?? ''].join('  ').trimEnd()
  console.log(`\n${title}\n${'-'.repeat(title.length)}`)
  console.log(line(header))
  for (const row of rows) console.log(line(row))
}

export function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 0)} ms`
}

export function seconds(value: number): string {
  return `${(value / 1000).toFixed(2)} s`
}
