/**
 * `comfy-dsl run FILE.json|FILE.ts [--server URL] [--input name=path ...] [--out DIR]`: runs a workflow on a
 * ComfyUI server with a progress bar (TTY) or plain lines, and saves the outputs.
 * Exit 0: done; 1: rejected or failed; 2: unusable input; 130: interrupted (Ctrl-C cancels the job on the server).
 * @module
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Option } from 'commander'
import { ComfyClient, type GraphInput, type JobResults } from '../../client/index.js'
import { preparePrompt } from '../../client/graph.js'
import { detectFormat } from '../../convert/format.js'
import { loadWorkflow } from '../../convert/load.js'
import { formatWarning } from '../../convert/warnings.js'
import { InvalidArgumentError } from '../../errors.js'
import { parseJson } from '../../json/lossless.js'
import { EXIT, type CliCommand, type CliIo } from '../io.js'
import { jobExitCode } from '../job-exit.js'
import { RunProgress } from '../progress.js'

interface RunFlags {
  server: string
  input: string[]
  out?: string
  timeout?: string
  header: string[]
}

export const runCommand: CliCommand = {
  register(program, io, done) {
    program
      .command('run')
      .description('run a workflow (API or UI JSON, or a .ts module exporting a graph) on a ComfyUI server')
      .argument('<file>', 'FILE.json (API or UI format) or FILE.ts (default export: output nodes, or a function returning them)')
      .addOption(new Option('--server <url>', 'ComfyUI server').env('COMFY_SERVER').default('http://127.0.0.1:8188'))
      .option('--input <name=path>', 'upload an image into a LoadImage node (node id, node title or template parameter); repeatable', collect, [])
      .option('--out <dir>', 'save every output file into this folder')
      .option('--timeout <seconds>', 'cancel the job if it has not finished after this long')
      .option('--header <name:value>', 'HTTP header for every request (auth); repeatable', collect, [])
      .action(async (file: string, flags: RunFlags) => {
        done(await runWorkflow(file, flags, io))
      })
  },
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

async function runWorkflow(file: string, flags: RunFlags, io: CliIo): Promise<number> {
  let client: ComfyClient | undefined
  const controller = new AbortController()
  const onSigint = (): void => controller.abort(new Error('interrupted (Ctrl-C)'))
  process.once('SIGINT', onSigint)
  let progress: RunProgress | undefined
  try {
    const path = resolve(io.cwd, file)
    const headers = parseHeaders(flags.header)
    const timeout = flags.timeout === undefined ? undefined : parseSeconds(flags.timeout)
    client = new ComfyClient({ url: flags.server, headers })
    client.on('warning', (message) => io.stderr.write(`warning: ${message}\n`))
    const graph = await loadGraph(path, client, io)
    const { prompt } = preparePrompt(graph)
    progress = new RunProgress(io, prompt)
    const images = await imageInputs(path, flags.input, io.cwd)
    const results = await client.run(graph, {
      images,
      signal: controller.signal,
      onEvent: (event) => progress?.update(event),
      ...(timeout === undefined ? {} : { timeout }),
    })
    progress.stop()
    await report(results, flags.out === undefined ? undefined : resolve(io.cwd, flags.out), io)
    return EXIT.ok
  } catch (error) {
    progress?.stop()
    return jobExitCode(error, controller.signal.aborted, io)
  } finally {
    process.off('SIGINT', onSigint)
    await client?.close()
  }
}

/** A JSON workflow (API, POST body or UI format) or a TypeScript/JavaScript module's default export. */
async function loadGraph(path: string, client: ComfyClient, io: CliIo): Promise<GraphInput> {
  const ext = extname(path).toLowerCase()
  if (ext === '.ts' || ext === '.mts' || ext === '.js' || ext === '.mjs') return loadModule(path)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new InvalidArgumentError(`cannot read the workflow (${(error as { code?: string }).code ?? 'unreadable'})`, { file: path, cause: error })
  }
  const format = detectFormat(parseJson(text, { file: path }), { file: path })
  // UI workflows name widget values by position: the server's own definitions convert them best.
  const defs = format === 'ui' ? await client.defs() : { classes: new Map() }
  const loaded = loadWorkflow(text, defs, { file: path })
  for (const warning of loaded.warnings) io.stderr.write(`warning: ${formatWarning(warning)}\n`)
  return loaded.prompt
}

export async function loadModule(path: string): Promise<GraphInput> {
  if (!existsSync(path)) throw new InvalidArgumentError('no such file', { file: path })
  let module: { default?: unknown }
  try {
    module = (await import(pathToFileURL(path).href)) as { default?: unknown }
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error
    module = await importWithTsx(path)
  }
  let value = module.default
  if (typeof value === 'function') value = await (value as () => unknown)()
  if (value === undefined || value === null) {
    throw new InvalidArgumentError('the module has no default export (expected output nodes, or a function returning them)', { file: path })
  }
  return value as GraphInput
}

async function importWithTsx(path: string): Promise<{ default?: unknown }> {
  let api: { tsImport: (specifier: string, parent: string) => Promise<unknown> }
  try {
    api = (await import('tsx/esm/api' as string)) as typeof api
  } catch {
    throw new InvalidArgumentError('running a .ts file needs tsx (npm install tsx), or run the CLI through tsx', { file: path })
  }
  return (await api.tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown }
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
    if (!existsSync(file)) throw new InvalidArgumentError(`--input ${name}: no such file`, { file })
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

async function report(results: JobResults, out: string | undefined, io: CliIo): Promise<void> {
  for (const entry of results.nodeErrors) {
    io.stderr.write(`warning: output node ${entry.nodeId} (${entry.class_type}) was dropped: ${entry.errors.map((e) => e.message).join('; ')}\n`)
  }
  for (const node of results.nodes) for (const text of node.text) io.stdout.write(`${node.nodeId}: ${text}\n`)
  for (const file of results.files) {
    if (out === undefined) io.stdout.write(`${file.nodeId}: ${file.filename} ${file.url}\n`)
    else io.stdout.write(`${await file.save(out)}\n`)
  }
  io.stdout.write(`done: ${results.promptId} (${results.files.length} file(s)${results.timing.executionMs === undefined ? '' : `, ${results.timing.executionMs} ms on the server`})\n`)
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

function parseSeconds(value: string): number {
  const seconds = Number(value)
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError(`--timeout: expected a positive number of seconds, received ${JSON.stringify(value)}`)
  return Math.round(seconds * 1000)
}
