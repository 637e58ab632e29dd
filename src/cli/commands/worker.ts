/**
 * `comfy-dsl worker --redis URL --server URL [--server URL ...] [--concurrency N]`: takes jobs from the durable
 * queue and runs them on a pool of ComfyUI servers until it is told to stop. What it does is logged on stderr;
 * `--json` prints a summary on stdout when it ends.
 * - SIGTERM (how service managers stop it): takes no more jobs, lets running ones finish for `--shutdown-timeout`,
 *   hands the rest back to the queue, exits 0.
 * - SIGINT (Ctrl-C): hands running jobs back at once and exits 130. A second signal of either kind hands back at once.
 * A job handed back keeps running on its server; the next worker that takes it follows it there (never runs it
 * again). Exit 2: unusable flags; 3: Redis unreachable at start.
 * @module
 */
import { Option } from 'commander'
import { InvalidArgumentError } from '../../errors.js'
import type { ComfyWorker } from '../../queue/index.js'
import { EXIT, type CliCommand, type CliIo } from '../io.js'
import { Report } from '../output.js'
import { collect, parseHeaders, positiveInt, seconds } from '../option-values.js'

interface WorkerFlags {
  redis: string
  server: string[]
  queue: string
  concurrency?: string
  maxInFlight?: string
  resultsDir?: string
  inlineLimit?: string
  shutdownTimeout: string
  lockDuration: string
  stalledInterval: string
  header: string[]
  json?: boolean
}

export const workerCommand: CliCommand = {
  register(program, io, done) {
    program
      .command('worker')
      .description('run jobs of the durable queue (Redis) on one or more ComfyUI servers until SIGTERM or Ctrl-C')
      .addOption(new Option('--redis <url>', 'Redis of the queue (redis://[user:password@]host[:port][/db])').env('COMFY_REDIS').makeOptionMandatory())
      .option('--server <url>', 'a ComfyUI server to run jobs on; repeatable', collect, [])
      .option('--queue <name>', 'queue name', 'comfy')
      .option('--concurrency <n>', 'jobs at once (default: --max-in-flight per server)')
      .option('--max-in-flight <n>', 'jobs kept on each server at once, running or queued there (default 2)')
      .option('--results-dir <dir>', 'a folder producers can read (shared disk) for outputs past --inline-limit')
      .option('--inline-limit <bytes>', 'output bytes per job kept in Redis (default 262144)')
      .option('--shutdown-timeout <seconds>', 'on SIGTERM, how long running jobs may finish before they are handed back', '25')
      .option('--lock-duration <seconds>', 'a job whose worker died is taken again after this long', '30')
      .option('--stalled-interval <seconds>', 'how often jobs of dead workers are looked for', '30')
      .option('--header <name:value>', 'HTTP header for every server request (auth); repeatable', collect, [])
      .option('--json', 'when it ends, print one JSON object: {ok, exitCode, worker, queue, jobs: {completed, failed, retried, handedBack}, warnings}')
      .action(async (flags: WorkerFlags) => {
        done(await runWorker(flags, io))
      })
  },
}

// Distinct warnings kept for --json (a worker runs for days: the log on stderr has them all).
const MAX_JSON_WARNINGS = 50

async function runWorker(flags: WorkerFlags, io: CliIo): Promise<number> {
  const report = new Report(io, flags.json)
  const log = (text: string): void => void io.stderr.write(`${text}\n`)
  let stop: ((signal: NodeJS.Signals) => void) | undefined
  const stopped = new Promise<NodeJS.Signals>((resolve) => (stop = resolve))
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']
  let first: NodeJS.Signals | undefined
  let worker: ComfyWorker | undefined
  const onSignal = (signal: NodeJS.Signals): void => {
    if (first === undefined) {
      first = signal
      log(
        signal === 'SIGINT'
          ? 'SIGINT: handing running jobs back to the queue now'
          : `${signal}: finishing running jobs (at most ${flags.shutdownTimeout} s, then handing them back)`,
      )
      stop?.(signal)
    } else {
      log(`${signal} again: handing running jobs back now`)
      void worker?.close({ timeout: 0 })
    }
  }
  for (const signal of signals) process.on(signal, onSignal)
  const jobs = { completed: 0, failed: 0, retried: 0, handedBack: 0 }
  const warnings = new Set<string>()
  const warn = (message: string): void => {
    log(`warning: ${message}`)
    if (warnings.size < MAX_JSON_WARNINGS) warnings.add(message)
  }
  try {
    if (flags.server.length === 0) throw new InvalidArgumentError('--server: give at least one ComfyUI server')
    const maxInFlight = positiveInt(flags.maxInFlight, '--max-in-flight')
    const concurrency = positiveInt(flags.concurrency, '--concurrency')
    const inlineLimit = flags.inlineLimit === undefined ? undefined : nonNegativeInt(flags.inlineLimit, '--inline-limit')
    const shutdownTimeout = seconds(flags.shutdownTimeout, '--shutdown-timeout', true)
    const lockDuration = seconds(flags.lockDuration, '--lock-duration')
    const stalledInterval = seconds(flags.stalledInterval, '--stalled-interval')
    const headers = parseHeaders(flags.header)
    const { createWorker } = await import('../../queue/index.js')
    worker = createWorker({
      redis: flags.redis,
      name: flags.queue,
      servers: flags.server.map((url) => ({ url, ...(Object.keys(headers).length > 0 ? { headers } : {}) })),
      poolOptions: maxInFlight === undefined ? {} : { maxInFlight },
      ...(concurrency === undefined ? {} : { concurrency }),
      results: { ...(inlineLimit === undefined ? {} : { inlineLimit }), ...(flags.resultsDir === undefined ? {} : { dir: flags.resultsDir }) },
      shutdownTimeout,
      lockDuration,
      stalledInterval,
    })
    const w = worker
    report.set('worker', w.id)
    report.set('queue', flags.queue)
    report.set('jobs', jobs)
    w.pool.on('server-up', (url) => log(`server up: ${url}`))
    w.pool.on('server-down', (url, reason) => log(`server down: ${url} (${reason})`))
    w.pool.on('move', (e) => log(`moved ${e.jobId} from ${e.from}: ${e.reason}`))
    w.pool.on('cleanup', (e) => log(`removed from ${e.server}: ${[...e.deleted, ...e.interrupted].join(', ')}`))
    w.pool.on('warning', warn)
    w.on('completed', (e) => {
      jobs.completed++
      log(`done ${e.jobId} on ${e.server}${e.adopted ? ' (collected a run made before)' : ''}`)
    })
    w.on('failed', (e) => {
      if (e.final) jobs.failed++
      else jobs.retried++
      log(`${e.final ? 'failed' : 'will retry'} ${e.jobId}: ${e.reason}`)
    })
    w.on('handed-back', (e) => {
      jobs.handedBack++
      log(`handed back ${e.jobId} (prompt ${e.promptId} runs on; the next worker follows it)`)
    })
    w.on('error', (error) => warn(error.message))
    await Promise.race([w.waitUntilReady(), stopped])
    if (first === undefined) {
      const up = w.pool.servers.filter((s) => s.state === 'up').length
      log(`worker ${w.id} ready: queue ${flags.queue}, ${up}/${w.pool.servers.length} server(s) up`)
    }
    const signal = await stopped
    await w.close(signal === 'SIGINT' ? { timeout: 0 } : {})
    log(`worker stopped: ${jobs.completed} done, ${jobs.failed} failed, ${jobs.handedBack} handed back`)
    // Already on stderr as they came; --json lists them too:
    if (report.json) for (const message of warnings) report.warn(message)
    return report.finish(signal === 'SIGINT' ? EXIT.interrupted : EXIT.ok)
  } catch (error) {
    await worker?.close({ timeout: 0 }).catch(() => {})
    if (report.json) for (const message of warnings) report.warn(message)
    return report.finish(report.fail(error))
  } finally {
    for (const signal of signals) process.off(signal, onSignal)
  }
}

function nonNegativeInt(value: string, flag: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag}: expected a whole number of bytes, received ${JSON.stringify(value)}`)
  return n
}
