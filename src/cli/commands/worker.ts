/**
 * `comfy-dsl worker --redis URL --server URL [--server URL ...] [--concurrency N]`: takes jobs from the durable
 * queue and runs them on a pool of ComfyUI servers until SIGTERM or Ctrl-C, then lets running jobs finish (or
 * hands them back to the queue after `--shutdown-timeout`) and exits 0. A second signal hands back at once.
 * Exit 2: unusable flags; 3: Redis unreachable at start.
 * @module
 */
import { Option } from 'commander'
import { InvalidArgumentError } from '../../errors.js'
import { EXIT, reportError, type CliCommand, type CliIo } from '../io.js'

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
}

export const workerCommand: CliCommand = {
  register(program, io, done) {
    program
      .command('worker')
      .description('run jobs of the durable queue (Redis) on one or more ComfyUI servers until SIGTERM')
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
      .action(async (flags: WorkerFlags) => {
        done(await runWorker(flags, io))
      })
  },
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

async function runWorker(flags: WorkerFlags, io: CliIo): Promise<number> {
  let stop: (() => void) | undefined
  const stopped = new Promise<NodeJS.Signals>((resolve) => (stop = () => resolve('SIGTERM')))
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']
  let received = 0
  let worker: import('../../queue/index.js').ComfyWorker | undefined
  const onSignal = (signal: NodeJS.Signals): void => {
    received++
    if (received === 1) {
      io.stderr.write(`${signal}: finishing running jobs (at most ${flags.shutdownTimeout} s, then handing them back)\n`)
      stop?.()
    } else {
      io.stderr.write(`${signal} again: handing running jobs back now\n`)
      void worker?.close({ timeout: 0 })
    }
  }
  for (const signal of signals) process.on(signal, onSignal)
  try {
    if (flags.server.length === 0) throw new InvalidArgumentError('--server: give at least one ComfyUI server')
    const maxInFlight = positiveInt(flags.maxInFlight, '--max-in-flight')
    const concurrency = positiveInt(flags.concurrency, '--concurrency')
    const inlineLimit = flags.inlineLimit === undefined ? undefined : nonNegativeInt(flags.inlineLimit, '--inline-limit')
    const headers = parseHeaders(flags.header)
    const { createWorker } = await import('../../queue/index.js')
    worker = createWorker({
      redis: flags.redis,
      name: flags.queue,
      servers: flags.server.map((url) => ({ url, ...(Object.keys(headers).length > 0 ? { headers } : {}) })),
      poolOptions: maxInFlight === undefined ? {} : { maxInFlight },
      ...(concurrency === undefined ? {} : { concurrency }),
      results: { ...(inlineLimit === undefined ? {} : { inlineLimit }), ...(flags.resultsDir === undefined ? {} : { dir: flags.resultsDir }) },
      shutdownTimeout: seconds(flags.shutdownTimeout, '--shutdown-timeout', true),
      lockDuration: seconds(flags.lockDuration, '--lock-duration'),
      stalledInterval: seconds(flags.stalledInterval, '--stalled-interval'),
    })
    const w = worker
    w.pool.on('server-up', (url) => io.stderr.write(`server up: ${url}\n`))
    w.pool.on('server-down', (url, reason) => io.stderr.write(`server down: ${url} (${reason})\n`))
    w.pool.on('move', (e) => io.stderr.write(`moved ${e.jobId} from ${e.from}: ${e.reason}\n`))
    w.pool.on('cleanup', (e) => io.stderr.write(`removed from ${e.server}: ${[...e.deleted, ...e.interrupted].join(', ')}\n`))
    w.on('completed', (e) => io.stderr.write(`done ${e.jobId} on ${e.server}${e.adopted ? ' (collected a run made before)' : ''}\n`))
    w.on('failed', (e) => io.stderr.write(`${e.final ? 'failed' : 'will retry'} ${e.jobId}: ${e.reason}\n`))
    w.on('handed-back', (e) => io.stderr.write(`handed back ${e.jobId} (prompt ${e.promptId} runs on; the next worker follows it)\n`))
    w.on('error', (error) => io.stderr.write(`warning: ${error.message}\n`))
    await w.waitUntilReady()
    const up = w.pool.servers.filter((s) => s.state === 'up').length
    io.stderr.write(`worker ${w.id} ready: queue ${flags.queue}, ${up}/${w.pool.servers.length} server(s) up\n`)
    await stopped
    await w.close()
    io.stderr.write('worker stopped\n')
    return EXIT.ok
  } catch (error) {
    await worker?.close({ timeout: 0 }).catch(() => {})
    if (error instanceof Error && error.name === 'RedisUnreachableError') {
      io.stderr.write(`error: ${error.message}\n`)
      return EXIT.unreachable
    }
    return reportError(error, io)
  } finally {
    for (const signal of signals) process.off(signal, onSignal)
  }
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag}: expected a positive integer, received ${JSON.stringify(value)}`)
  return n
}

function nonNegativeInt(value: string, flag: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag}: expected a whole number of bytes, received ${JSON.stringify(value)}`)
  return n
}

function seconds(value: string, flag: string, zero = false): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n < 0 || (!zero && n === 0)) throw new InvalidArgumentError(`${flag}: expected a positive number of seconds, received ${JSON.stringify(value)}`)
  return Math.round(n * 1000)
}

function parseHeaders(values: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const value of values) {
    const colon = value.indexOf(':')
    if (colon <= 0) throw new InvalidArgumentError('--header: expected "Name: value" (the value is not shown)')
    headers[value.slice(0, colon).trim().toLowerCase()] = value.slice(colon + 1).trim()
  }
  return headers
}
