/**
 * `comfy-dsl enqueue FILE --redis URL [--input name=path ...] [--wait] [--out DIR]`: validates a workflow against
 * the definitions (bundled, `--object-info` or `--server`) and adds it to the durable queue. With `--wait`, shows
 * its progress like `run` and saves its outputs.
 * Exit 0: enqueued (or done); 1: failed or cancelled elsewhere; 2: unusable input; 3: Redis unreachable;
 * 130: Ctrl-C (which cancels the job).
 * @module
 */
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { Option } from 'commander'
import type { GraphInput } from '../../client/graph.js'
import { preparePrompt } from '../../client/graph.js'
import { loadWorkflow } from '../../convert/load.js'
import { formatWarning } from '../../convert/warnings.js'
import { InvalidArgumentError } from '../../errors.js'
import type { DefSet } from '../../defs/model.js'
import type { QueueProgress, QueueResults } from '../../queue/index.js'
import { loadDefsFor } from '../defs-source.js'
import { EXIT, reportError, type CliCommand, type CliIo } from '../io.js'
import { RunProgress } from '../progress.js'
import { imageInputs, loadModule } from './run.js'

interface EnqueueFlags {
  redis: string
  queue: string
  input: string[]
  objectInfo?: string
  server?: string
  priority?: string
  attempts?: string
  jobId?: string
  tag: string[]
  wait?: boolean
  out?: string
  timeout?: string
  json?: boolean
  overwrite?: boolean
}

export const enqueueCommand: CliCommand = {
  register(program, io, done) {
    program
      .command('enqueue')
      .description('validate a workflow and add it to the durable job queue (Redis); --wait follows it to its results')
      .argument('<file>', 'FILE.json (API or UI format) or FILE.ts (default export: output nodes, or a function returning them)')
      .addOption(new Option('--redis <url>', 'Redis of the queue (redis://[user:password@]host[:port][/db])').env('COMFY_REDIS').makeOptionMandatory())
      .option('--queue <name>', 'queue name', 'comfy')
      .option('--input <name=path>', 'an image for a LoadImage node (node id, node title or template parameter); travels with the job; repeatable', collect, [])
      .option('--object-info <file>', 'validate against these definitions (default: the bundled core snapshot, file names not checked)')
      .option('--server <url>', 'validate against the definitions of this ComfyUI server (file names checked)')
      .option('--priority <n>', '1 runs first (default 1000)')
      .option('--attempts <n>', 'runs before the job fails (default 3)')
      .option('--job-id <id>', 'the queue job id (enqueueing an existing id returns that job)')
      .option('--tag <tag>', 'run only on servers carrying this tag; repeatable', collect, [])
      .option('--wait', 'follow the job with a progress bar until it ends')
      .option('--out <dir>', 'with --wait: save every output file into this folder')
      .option('--overwrite', 'with --out: replace files that exist (refused otherwise, before anything is saved)')
      .option('--timeout <seconds>', 'with --wait: cancel the job if it has not ended after this long')
      .option('--json', 'print {"jobId", ...} (and the results with --wait) as JSON on stdout')
      .action(async (file: string, flags: EnqueueFlags) => {
        done(await enqueue(file, flags, io))
      })
  },
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

async function enqueue(file: string, flags: EnqueueFlags, io: CliIo): Promise<number> {
  const controller = new AbortController()
  const onSigint = (): void => controller.abort(new Error('interrupted (Ctrl-C)'))
  process.once('SIGINT', onSigint)
  let progress: RunProgress | undefined
  let close: (() => Promise<void>) | undefined
  try {
    if (flags.out !== undefined && !flags.wait) throw new InvalidArgumentError('--out needs --wait (the results exist once the job ran)')
    if (flags.timeout !== undefined && !flags.wait) throw new InvalidArgumentError('--timeout needs --wait')
    if (flags.objectInfo !== undefined && flags.server !== undefined) throw new InvalidArgumentError('--object-info and --server: give one')
    const path = resolve(io.cwd, file)
    const options = {
      priority: positiveInt(flags.priority, '--priority'),
      attempts: positiveInt(flags.attempts, '--attempts'),
      timeout: flags.timeout === undefined ? undefined : seconds(flags.timeout, '--timeout'),
    }
    const loaded = await loadDefsFor({ objectInfo: flags.objectInfo, server: flags.server }, io, { onError: 'skip' })
    const graph = await loadGraph(path, loaded.defs, io)
    const images = await imageInputs(path, flags.input, io.cwd)
    const { createQueue } = await import('../../queue/index.js')
    const queue = createQueue({
      redis: flags.redis,
      name: flags.queue,
      defs: loaded.defs,
      // The bundled snapshot was taken on a server without models: its file lists say nothing.
      files: flags.objectInfo === undefined && flags.server === undefined ? 'assume-present' : 'listed',
    })
    close = () => queue.close()
    await queue.connect()
    // With --wait, progress is listened to before the job exists, so a worker that starts it at once is followed:
    const jobId = flags.jobId ?? (flags.wait ? randomUUID() : undefined)
    const shown = flags.wait ? new RunProgress(io, preparePrompt(graph).prompt) : undefined
    progress = shown
    const off = shown === undefined || jobId === undefined ? () => {} : await queue.job(jobId).on((event) => shown.update(asJobEvent(event, io)))
    const job = await queue.enqueue(graph, {
      images,
      tags: flags.tag,
      ...(options.priority === undefined ? {} : { priority: options.priority }),
      ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
      ...(jobId === undefined ? {} : { jobId }),
    })
    if (shown === undefined) {
      io.stdout.write(flags.json ? `${JSON.stringify({ jobId: job.id, queue: flags.queue })}\n` : `${job.id}\n`)
      return EXIT.ok
    }
    io.stderr.write(`enqueued ${job.id} on queue ${flags.queue}\n`)
    let results: QueueResults
    try {
      results = await job.wait({ signal: controller.signal, ...(options.timeout === undefined ? {} : { timeout: options.timeout }) })
    } catch (error) {
      if ((error as Error).name === 'QueueWaitTimeoutError') await job.cancel()
      throw error
    } finally {
      off()
    }
    shown.update({ type: 'done', status: 'completed', error: undefined })
    shown.stop()
    await report(results, flags.out === undefined ? undefined : resolve(io.cwd, flags.out), flags.json === true, flags.overwrite === true, io)
    return EXIT.ok
  } catch (error) {
    progress?.stop()
    return exitCode(error, controller.signal.aborted, io)
  } finally {
    process.off('SIGINT', onSigint)
    await close?.()
  }
}

/** A JSON workflow (API or UI, converted with the definitions) or a TypeScript/JavaScript module's default export. */
async function loadGraph(path: string, defs: DefSet, io: CliIo): Promise<GraphInput> {
  const ext = extname(path).toLowerCase()
  if (ext === '.ts' || ext === '.mts' || ext === '.js' || ext === '.mjs') return loadModule(path)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new InvalidArgumentError(`cannot read the workflow (${(error as { code?: string }).code ?? 'unreadable'})`, { file: path, cause: error })
  }
  const loaded = loadWorkflow(text, defs, { file: path })
  for (const warning of loaded.warnings) io.stderr.write(`warning: ${formatWarning(warning)}\n`)
  return loaded.prompt
}

// The worker's reports, as the job events the progress display knows:
function asJobEvent(event: QueueProgress, io: CliIo): Parameters<RunProgress['update']>[0] {
  switch (event.type) {
    case 'dispatched':
    case 'adopted':
      io.stderr.write(`${event.type === 'adopted' ? 'following' : 'running'} on ${event.server}\n`)
      return { type: 'queued', number: undefined }
    case 'moved':
      io.stderr.write(`moved from ${event.from}: ${event.reason}\n`)
      return { type: 'queued', number: undefined }
    case 'started':
      return { type: 'started', timestamp: Date.now() }
    case 'cached':
      return { type: 'cached', nodes: event.nodes }
    case 'executing':
      return { type: 'executing', nodeId: event.nodeId, node: undefined }
    case 'progress':
      return { type: 'progress', nodeId: event.nodeId, value: event.value, max: event.max }
  }
}

async function report(results: QueueResults, out: string | undefined, json: boolean, overwrite: boolean, io: CliIo): Promise<void> {
  const saved = out === undefined ? [] : await results.saveAll(out, { overwrite })
  if (json) {
    const files = results.files.map((f, i) => ({ nodeId: f.nodeId, filename: f.filename, storage: f.storage, ...(out === undefined ? { location: f.location } : { path: saved[i] }) }))
    io.stdout.write(`${JSON.stringify({ jobId: results.jobId, promptId: results.promptId, server: results.server, files, text: results.text })}\n`)
    return
  }
  for (const entry of results.text) io.stdout.write(`${entry.nodeId}: ${entry.text}\n`)
  if (out !== undefined) for (const path of saved) io.stdout.write(`${path}\n`)
  else for (const file of results.files) io.stdout.write(`${file.nodeId}: ${file.filename} (${file.storage}${file.location === undefined ? '' : `: ${file.location}`})\n`)
  io.stdout.write(`done: ${results.jobId} (prompt ${results.promptId} on ${results.server}, ${results.files.length} file(s))\n`)
}

function exitCode(error: unknown, aborted: boolean, io: CliIo): number {
  const name = error instanceof Error ? error.name : ''
  if (aborted) {
    io.stderr.write(`${error instanceof Error ? error.message : 'interrupted'}\n`)
    return EXIT.interrupted
  }
  if (name === 'RedisUnreachableError') {
    io.stderr.write(`error: ${(error as Error).message}\n`)
    return EXIT.unreachable
  }
  if (name === 'QueueJobFailedError' || name === 'QueueJobCancelledError' || name === 'QueueWaitTimeoutError' || name === 'QueueJobNotFoundError') {
    io.stderr.write(`error: ${(error as Error).message}\n`)
    return EXIT.failed
  }
  return reportError(error, io)
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag}: expected a positive integer, received ${JSON.stringify(value)}`)
  return n
}

function seconds(value: string, flag: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag}: expected a positive number of seconds, received ${JSON.stringify(value)}`)
  return Math.round(n * 1000)
}
