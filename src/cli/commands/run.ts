/**
 * `comfy-dsl run FILE.json|FILE.ts [--server URL] [--input name=path ...] [--out DIR] [--overwrite] [--json]`: runs
 * a workflow on a ComfyUI server with a progress bar (TTY) or plain lines, and saves the outputs.
 * Exit 0: done; 1: rejected or failed; 2: unusable input; 3: server unreachable; 130: interrupted (Ctrl-C cancels
 * the job on the server). `-` reads a JSON workflow from stdin.
 * @module
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { Option } from 'commander'
import { ComfyClient, type GraphInput, type JobResults } from '../../client/index.js'
import { preparePrompt } from '../../client/graph.js'
import { detectFormat } from '../../convert/format.js'
import { loadWorkflow } from '../../convert/load.js'
import { formatWarning } from '../../convert/warnings.js'
import { InvalidArgumentError } from '../../errors.js'
import { parseJson } from '../../json/lossless.js'
import { CliUsageError, EXIT, type CliCommand, type CliIo } from '../io.js'
import { jobExitCode } from '../job-exit.js'
import { readInput, Report, STDIO } from '../output.js'
import { RunProgress } from '../progress.js'
import { DEFAULT_SERVER, serverUrl } from '../server-flag.js'
import { loadModule } from '../graph-module.js'
import { collect, parseHeaders, seconds } from '../option-values.js'

export { loadModule }

interface RunFlags {
  server: string
  input: string[]
  out?: string
  overwrite?: boolean
  json?: boolean
  timeout?: string
  header: string[]
  workflow: boolean
}

export const runCommand: CliCommand = {
  register(program, io, done) {
    program
      .command('run')
      .description('run a workflow (API or UI JSON, or a .ts module exporting a graph) on a ComfyUI server')
      .argument('<file>', 'FILE.json (API or UI format; - reads stdin) or FILE.ts (default export: output nodes, or a function returning them)')
      .addOption(new Option('--server <url>', 'ComfyUI server').env('COMFY_SERVER').default(DEFAULT_SERVER))
      .option('--input <name=path>', 'upload an image into a LoadImage node (node id, node title or template parameter); repeatable', collect, [])
      .option('--out <dir>', 'save every output file into this folder')
      .option('--overwrite', 'replace files in --out that have the names of the outputs')
      .option('--json', 'print one JSON object: {ok, exitCode, promptId, status, files, text, timing, warnings}')
      .option('--timeout <seconds>', 'cancel the job if it has not finished after this long')
      .option('--header <name:value>', 'HTTP header for every request (auth); repeatable', collect, [])
      .option('--no-workflow', 'do not send the UI workflow in extra_pnginfo (saved PNGs then open no graph in ComfyUI)')
      .action(async (file: string, flags: RunFlags) => {
        done(await runWorkflow(file, flags, io))
      })
  },
}

async function runWorkflow(file: string, flags: RunFlags, io: CliIo): Promise<number> {
  let client: ComfyClient | undefined
  const report = new Report(io, flags.json)
  const controller = new AbortController()
  const onSigint = (): void => controller.abort(new Error('interrupted (Ctrl-C)'))
  process.once('SIGINT', onSigint)
  let progress: RunProgress | undefined
  try {
    const url = serverUrl(flags.server)
    const path = file === STDIO ? STDIO : resolve(io.cwd, file)
    const headers = parseHeaders(flags.header)
    const timeout = flags.timeout === undefined ? undefined : seconds(flags.timeout, '--timeout')
    client = new ComfyClient({ url, headers })
    client.on('warning', (message) => report.warn(message))
    const { graph, workflow } = await loadGraph(path, client, io, report)
    const { prompt } = preparePrompt(graph)
    progress = new RunProgress(io, prompt, { quiet: report.json })
    const images = await imageInputs(path, flags.input, io.cwd)
    const results = await client.run(graph, {
      images,
      // As the editor does: the server writes the workflow into the PNGs it saves (a UI file is sent as it is).
      ...(flags.workflow ? { workflow: workflow ?? true } : {}),
      signal: controller.signal,
      onEvent: (event) => progress?.update(event),
      ...(timeout === undefined ? {} : { timeout }),
    })
    progress.stop()
    await reportResults(results, flags, io, report, progress.outcome.cached)
    return report.finish(EXIT.ok)
  } catch (error) {
    progress?.stop()
    return jobExitCode(error, controller.signal.aborted, io, report)
  } finally {
    process.off('SIGINT', onSigint)
    await client?.close()
  }
}

/** A JSON workflow (API, POST body or UI format) or a TypeScript/JavaScript module's default export. */
async function loadGraph(path: string, client: ComfyClient, io: CliIo, report: Report): Promise<{ graph: GraphInput; workflow?: Record<string, unknown> }> {
  const ext = extname(path).toLowerCase()
  if (ext === '.ts' || ext === '.mts' || ext === '.js' || ext === '.mjs') return { graph: await loadModule(path) }
  const text = await readInput(path, io)
  const shown = path === STDIO ? 'stdin' : path
  const json = parseJson(text, { file: shown })
  const format = detectFormat(json, { file: shown })
  // UI workflows name widget values by position: the server's own definitions convert them best.
  const defs = format === 'ui' ? await client.defs() : { classes: new Map() }
  const loaded = loadWorkflow(text, defs, { file: shown })
  for (const warning of loaded.warnings) report.warn(formatWarning(warning, shown), shown)
  return format === 'ui' ? { graph: loaded.prompt, workflow: json as Record<string, unknown> } : { graph: loaded.prompt }
}

/** `--input name=path`: a template parameter (from FILE.params.json), a node id or a node title. */
export async function imageInputs(workflow: string, inputs: readonly string[], cwd: string): Promise<Record<string, string>> {
  const images: Record<string, string> = {}
  if (inputs.length === 0) return images
  const manifest = await readManifest(workflow)
  for (const input of inputs) {
    const eq = input.indexOf('=')
    if (eq <= 0) throw new InvalidArgumentError(`--input ${JSON.stringify(input)}: expected name=path`)
    const name = input.slice(0, eq)
    const file = resolve(cwd, input.slice(eq + 1))
    if (!existsSync(file)) throw new InvalidArgumentError(`--input ${name}: ${file}: no such file`, { file })
    const targets = manifest?.[name]
    if (targets === undefined) images[name] = file
    else for (const node of targets) images[node] = file
  }
  return images
}

async function readManifest(workflow: string): Promise<Record<string, string[]> | undefined> {
  const path = workflow.replace(/\.json$/i, '.params.json')
  if (path === workflow || !existsSync(path)) return undefined
  const manifest = JSON.parse(await readFile(path, 'utf8')) as { parameters?: Record<string, { file?: boolean; targets?: { node: string; input: string }[] }> }
  const out: Record<string, string[]> = {}
  for (const [name, parameter] of Object.entries(manifest.parameters ?? {})) {
    const nodes = (parameter.targets ?? []).filter((t) => t.input === 'image').map((t) => t.node)
    if (parameter.file && nodes.length > 0) out[name] = nodes
  }
  return out
}

async function reportResults(results: JobResults, flags: RunFlags, io: CliIo, report: Report, cached: boolean): Promise<void> {
  for (const entry of results.nodeErrors) {
    report.warn(`output node ${entry.nodeId} (${entry.class_type}) was dropped: ${entry.errors.map((e) => e.message).join('; ')}`)
  }
  for (const warning of results.warnings) report.warn(warning)
  const out = flags.out === undefined ? undefined : resolve(io.cwd, flags.out)
  // One distinct path per output (same-named outputs keep their subfolders), checked before anything is written:
  const targets = out === undefined ? [] : results.targets(out)
  if (out !== undefined && !flags.overwrite) {
    // Every output is checked before any is written, so a refused run leaves --out as it was:
    const existing = targets.filter((target) => existsSync(target))
    if (existing.length > 0) {
      throw new CliUsageError(`${existing.join(', ')} exist${existing.length === 1 ? 's' : ''}; pass --overwrite to replace them (the outputs stay on the server, prompt ${results.promptId})`, {
        file: existing[0] as string,
      })
    }
  }
  const files: { nodeId: string; filename: string; url: string; path?: string }[] = []
  for (const node of results.nodes) for (const text of node.text) report.line(`${node.nodeId}: ${text}`)
  const saved = out === undefined ? [] : await results.saveAll(out)
  for (const [i, file] of results.files.entries()) {
    const path = saved[i]
    // displayUrl: the server URL's query values (auth tokens) masked.
    files.push({ nodeId: file.nodeId, filename: file.filename, url: file.displayUrl, ...(path === undefined ? {} : { path }) })
    report.line(path ?? `${file.nodeId}: ${file.filename} ${file.displayUrl}`)
  }
  report.set('promptId', results.promptId)
  report.set('status', cached ? 'cached' : 'completed')
  report.set('files', files)
  report.set('text', results.nodes.flatMap((node) => node.text.map((text) => ({ nodeId: node.nodeId, text }))))
  report.set('timing', results.timing)
  const how = cached ? ', cached: the server ran nothing' : results.timing.executionMs === undefined ? '' : `, ${results.timing.executionMs} ms on the server`
  report.line(`done: ${results.promptId} (${results.files.length} file(s)${how})`)
}
