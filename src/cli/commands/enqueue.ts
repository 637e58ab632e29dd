/**
 * `comfy-dsl enqueue FILE --redis URL [--input name=path ...] [--wait] [--out DIR]`: validates a workflow against
 * the definitions (bundled, `--object-info` or `--server`) and adds it to the durable queue. With `--wait`, shows
 * its progress like `run` and saves its outputs. `-` reads a JSON workflow from stdin.
 * Exit 0: enqueued (or done); 1: failed, cancelled elsewhere or timed out; 2: unusable input; 3: Redis
 * unreachable; 130: Ctrl-C (which cancels the job when it was enqueued).
 * @module
 */
import { randomUUID } from 'node:crypto'
import { extname, resolve } from 'node:path'
import { Option } from 'commander'
import type { GraphInput } from '../../client/graph.js'
import { preparePrompt } from '../../client/graph.js'
import { loadWorkflow } from '../../convert/load.js'
import { formatWarning } from '../../convert/warnings.js'
import type { DefSet } from '../../defs/model.js'
import { ComfyError, InvalidArgumentError } from '../../errors.js'
import type { QueueProgress, QueueResults } from '../../queue/index.js'
import { loadDefsFor } from '../defs-source.js'
import { EXIT, type CliCommand, type CliIo } from '../io.js'
import { readInput, Report, shownName, STDIO } from '../output.js'
import { RunProgress } from '../progress.js'
import { collect, positiveInt, seconds } from '../option-values.js'
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
      .argument('<file>', 'FILE.json (API or UI format; - reads stdin) or FILE.ts (default export: output nodes, or a function returning them)')
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
      .option('--json', 'print one JSON object: {ok, exitCode, jobId, queue, status, files, warnings} (with --wait also promptId, server, text, timing)')
      .action(async (file: string, flags: EnqueueFlags) => {
        done(await enqueue(file, flags, io))
      })
  },
}

/** Ctrl-C before the job was in the queue: nothing was enqueued. */
class NotEnqueuedError extends ComfyError {}

async function enqueue(file: string, flags: EnqueueFlags, io: CliIo): Promise<number> {
  const report = new Report(io, flags.json)
  const controller = new AbortController()
  const onSigint = (): void => controller.abort(new Error('interrupted (Ctrl-C)'))
  process.once('SIGINT', onSigint)
  const interrupted = (): void => {
    if (controller.signal.aborted) throw new NotEnqueuedError('interrupted (Ctrl-C) before the job was enqueued: nothing was added')
  }
  let progress: RunProgress | undefined
  let close: (() => Promise<void>) | undefined
  try {
    if (flags.out !== undefined && !flags.wait) throw new InvalidArgumentError('--out needs --wait (the results exist once the job ran)')
    if (flags.timeout !== undefined && !flags.wait) throw new InvalidArgumentError('--timeout needs --wait')
    if (flags.overwrite && flags.out === undefined) throw new InvalidArgumentError('--overwrite needs --out')
    if (flags.objectInfo !== undefined && flags.server !== undefined) throw new InvalidArgumentError('--object-info and --server: give one')
    const path = file === STDIO ? STDIO : resolve(io.cwd, file)
    const options = {
      priority: positiveInt(flags.priority, '--priority'),
      attempts: positiveInt(flags.attempts, '--attempts'),
      timeout: flags.timeout === undefined ? undefined : seconds(flags.timeout, '--timeout'),
    }
    const loaded = await loadDefsFor({ objectInfo: flags.objectInfo, server: flags.server }, io, { onError: 'skip' }, report)
    const graph = await loadGraph(file, loaded.defs, io, report)
    const images = await imageInputs(path, flags.input, io.cwd)
    const { createQueue } = await import('../../queue/index.js')
    const queue = createQueue({
      redis: flags.redis,
      name: flags.queue,
      defs: loaded.defs,
      // The bundled snapshot was taken on a server without models: its file lists say nothing.
      files: loaded.bundled ? 'assume-present' : 'listed',
    })
    close = () => queue.close()
    await queue.connect()
    interrupted()
    // With --wait, progress is listened to before the job exists, so a worker that starts it at once is followed:
    const jobId = flags.jobId ?? (flags.wait ? randomUUID() : undefined)
    const shown = flags.wait ? new RunProgress(io, preparePrompt(graph).prompt, { quiet: report.json }) : undefined
    progress = shown
    const off = shown === undefined || jobId === undefined ? () => {} : await queue.job(jobId).on((event) => shown.update(asJobEvent(event, report)))
    interrupted()
    const job = await queue.enqueue(graph, {
      images,
      tags: flags.tag,
      ...(options.priority === undefined ? {} : { priority: options.priority }),
      ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
      ...(jobId === undefined ? {} : { jobId }),
    })
    report.set('jobId', job.id)
    report.set('queue', flags.queue)
    if (shown === undefined) {
      report.set('status', 'queued')
      report.set('files', [])
      report.line(job.id)
      return report.finish(EXIT.ok)
    }
    report.note(`enqueued ${job.id} on queue ${flags.queue}`)
    let results: QueueResults
    try {
      // A Ctrl-C from here on cancels the job (removed from the queue, or interrupted on its server):
      results = await job.wait({ signal: controller.signal, ...(options.timeout === undefined ? {} : { timeout: options.timeout }) })
    } catch (error) {
      if ((error as Error).name === 'QueueWaitTimeoutError') await job.cancel()
      throw error
    } finally {
      off()
    }
    shown.update({ type: 'done', status: 'completed', error: undefined })
    shown.stop()
    await reportResults(results, flags.out === undefined ? undefined : resolve(io.cwd, flags.out), flags.overwrite === true, report)
    return report.finish(EXIT.ok)
  } catch (error) {
    progress?.stop()
    const code = report.fail(error)
    return report.finish(controller.signal.aborted ? EXIT.interrupted : code)
  } finally {
    process.off('SIGINT', onSigint)
    await close?.()
  }
}

/**
 * A JSON workflow (API or UI, converted with the definitions; `-` is stdin) or a TypeScript/JavaScript module's
 * default export. Messages name the file as given.
 */
async function loadGraph(file: string, defs: DefSet, io: CliIo, report: Report): Promise<GraphInput> {
  const ext = extname(file).toLowerCase()
  if (ext === '.ts' || ext === '.mts' || ext === '.js' || ext === '.mjs') return loadModule(resolve(io.cwd, file))
  const text = await readInput(file, io)
  const shown = shownName(file)
  const loaded = loadWorkflow(text, defs, { file: shown })
  for (const warning of loaded.warnings) report.warn(formatWarning(warning, shown), shown)
  return loaded.prompt
}

// The worker's reports, as the job events the progress display knows:
function asJobEvent(event: QueueProgress, report: Report): Parameters<RunProgress['update']>[0] {
  switch (event.type) {
    case 'dispatched':
    case 'adopted':
      report.note(`${event.type === 'adopted' ? 'following' : 'running'} on ${event.server}`)
      return { type: 'queued', number: undefined }
    case 'moved':
      report.note(`moved from ${event.from}: ${event.reason}`)
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

async function reportResults(results: QueueResults, out: string | undefined, overwrite: boolean, report: Report): Promise<void> {
  const saved = out === undefined ? [] : await results.saveAll(out, { overwrite })
  for (const entry of results.text) report.line(`${entry.nodeId}: ${entry.text}`)
  if (out !== undefined) for (const path of saved) report.line(path)
  else for (const file of results.files) report.line(`${file.nodeId}: ${file.filename} (${file.storage}${file.location === undefined ? '' : `: ${file.location}`})`)
  report.set('status', 'completed')
  report.set('promptId', results.promptId)
  report.set('server', results.server)
  report.set('adopted', results.adopted)
  report.set(
    'files',
    results.files.map((f, i) => ({
      nodeId: f.nodeId,
      filename: f.filename,
      storage: f.storage,
      ...(f.size === undefined ? {} : { size: f.size }),
      ...(f.location === undefined ? {} : { location: f.location }),
      ...(out === undefined ? {} : { path: saved[i] }),
    })),
  )
  report.set('text', results.text)
  report.set('timing', results.timing)
  report.line(`done: ${results.jobId} (prompt ${results.promptId} on ${results.server}, ${results.files.length} file(s))`)
}
