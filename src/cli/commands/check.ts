/**
 * `comfy-dsl check FILE... [--object-info FILE | --server URL] [--json] [--body]`: the verdict a ComfyUI server would
 * give each API or UI workflow (or, with `--body`, each whole POST /prompt request body), without a server.
 * Exit 0: all accepted; 1: some rejected; 2: some file unusable.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Option } from 'commander'
import { detectFormat } from '../../convert/format.js'
import { uiToApi } from '../../convert/ui-to-api.js'
import { formatWarning } from '../../convert/warnings.js'
import type { DefSet } from '../../defs/model.js'
import { ComfyError } from '../../errors.js'
import { parseJson, stringifyJson } from '../../json/lossless.js'
import {
  chooseServerVersion,
  describeServerVersion,
  formatVerdict,
  parsePythonJson,
  validate,
  validateRequestText,
  type ServerError,
  type ServerVersionChoice,
  type ValidateOptions,
  type Verdict,
} from '../../validate/index.js'
import { loadDefsFor } from '../defs-source.js'
import { EXIT, reportError, type CliCommand, type CliIo } from '../io.js'

interface CheckFlags {
  objectInfo?: string
  server?: string
  json?: boolean
  serverVersion?: string
  lint: boolean
  files: 'listed' | 'assume-present'
  body?: boolean
}

/** One file's outcome; `--json` prints these keys. */
interface FileReport {
  readonly file: string
  readonly accepted: boolean
  /** The HTTP status the server would answer (0 for an unusable file). */
  readonly status: number
  readonly outputs: readonly string[]
  readonly error: ServerError | null
  readonly node_errors: Verdict['nodeErrors']
  /** The ComfyUI release imitated and why (`source`: option, definitions, object_info or default). */
  readonly server: { readonly version: string; readonly source: string; readonly fits?: ServerVersionChoice['fits']; readonly evidence: readonly string[] }
  /** With `--body`: the whole response body the server would send. */
  readonly response?: unknown
}

type Checked =
  | { readonly kind: 'verdict'; readonly file: string; readonly verdict: Verdict; readonly notes: readonly string[]; readonly body?: boolean }
  | { readonly kind: 'unusable'; readonly file: string; readonly reason: string }

// Files are read this many at a time; validation itself is synchronous and fast.
const READ_CONCURRENCY = 16

export const checkCommand: CliCommand = {
  register(program, io, done) {
    program
      .command('check')
      .description('validate API or UI workflow files offline, as a ComfyUI server would (POST /prompt)')
      .argument('<files...>', 'workflow JSON files (API prompts, POST /prompt bodies or UI workflows)')
      .addOption(new Option('--object-info <file>', 'node definitions (default: the bundled ComfyUI v0.26.0 core)').conflicts('server'))
      .addOption(new Option('--server <url>', 'read the node definitions from a running ComfyUI server'))
      .option('--json', 'print one JSON array with {file, accepted, outputs, error, node_errors} per file')
      .option('--server-version <version>', 'imitate this ComfyUI release (default: the definitions\' version)')
      .option('--no-lint', 'leave out warnings about things the server accepts')
      .option('--body', 'each file is a whole POST /prompt request body, judged as the server reads it (any JSON, even invalid)')
      .addOption(
        new Option('--files <mode>', 'files loaded by LoadImage & co.: listed = only those the definitions list')
          .choices(['listed', 'assume-present'])
          .default('listed'),
      )
      .action(async (files: string[], flags: CheckFlags) => {
        done(await runCheck(files, flags, io))
      })
  },
}

async function runCheck(files: readonly string[], flags: CheckFlags, io: CliIo): Promise<number> {
  let defs: DefSet
  try {
    defs = (await loadDefsFor(flags, io, { onError: 'skip' })).defs
  } catch (error) {
    return reportError(error, io)
  }
  const options: ValidateOptions = {
    lint: flags.lint,
    files: flags.files,
    ...(flags.serverVersion === undefined ? {} : { serverVersion: flags.serverVersion }),
  }
  let results: Checked[]
  try {
    const one = flags.body === true ? checkBody : checkFile
    results = await mapConcurrently(files, READ_CONCURRENCY, async (file) => one(file, io.cwd, defs, options))
  } catch (error) {
    return reportError(error, io)
  }
  const server = chooseServerVersion(defs, options.serverVersion)
  if (flags.json) io.stdout.write(`${stringifyJson(results.map((r) => toReport(r, server)), 2)}\n`)
  else printHuman(results, io)
  // A release guessed from the definitions is worth saying; a named one is not:
  if (!flags.json && server.source === 'object_info') io.stderr.write(`note: judged as ${describeServerVersion(server)}\n`)
  if (results.some((r) => r.kind === 'unusable')) return EXIT.unusable
  return results.some((r) => r.kind === 'verdict' && !r.verdict.accepted) ? EXIT.failed : EXIT.ok
}

async function readText(file: string, cwd: string): Promise<{ text: string } | { reason: string }> {
  try {
    return { text: await readFile(resolve(cwd, file), 'utf8') }
  } catch (error) {
    return { reason: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}` }
  }
}

/** `--body`: the file's text is the request body, judged whole (invalid JSON is the server's HTTP 500). */
async function checkBody(file: string, cwd: string, defs: DefSet, options: ValidateOptions): Promise<Checked> {
  const read = await readText(file, cwd)
  if ('reason' in read) return { kind: 'unusable', file, reason: read.reason }
  return { kind: 'verdict', file, verdict: validateRequestText(read.text, defs, options), notes: [], body: true }
}

async function checkFile(file: string, cwd: string, defs: DefSet, options: ValidateOptions): Promise<Checked> {
  const read = await readText(file, cwd)
  if ('reason' in read) return { kind: 'unusable', file, reason: read.reason }
  const { text } = read
  try {
    // Read as the server reads it: key order, `5.0` vs `5`, NaN tokens all matter to the verdict.
    const json = parsePythonJson(text, { file })
    // A litegraph document without nodes is a UI workflow too: the editor queues an empty prompt for it.
    const ui = isUiWorkflow(json) || (requestBody(json) === undefined && !looksLikeApiPrompt(json) && detectFormat(json, { file }) === 'ui')
    if (ui) {
      const converted = uiToApi(parseJson(text, { file }), defs, { file, dynamicPrompts: 'keep' })
      const notes = converted.warnings.map((w) => `conversion: ${formatWarning(w, file)}`)
      return { kind: 'verdict', file, verdict: validate(converted.prompt, defs, options), notes }
    }
    const body = requestBody(json)
    const prompt = body === undefined ? json : body['prompt']
    if (body === undefined && !looksLikeApiPrompt(json)) detectFormat(json, { file })
    const targets = body?.['partial_execution_targets']
    return {
      kind: 'verdict',
      file,
      verdict: validate(prompt, defs, targets === undefined ? options : { ...options, partialExecutionTargets: targets }),
      notes: [],
    }
  } catch (error) {
    if (error instanceof ComfyError) return { kind: 'unusable', file, reason: error.message }
    throw error
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isUiWorkflow(json: unknown): boolean {
  return isRecord(json) && Array.isArray(json['nodes'])
}

/** A `POST /prompt` body: `{"prompt": {...}, "client_id"?, "partial_execution_targets"?}`. */
function requestBody(json: unknown): Record<string, unknown> | undefined {
  if (!isRecord(json) || !isRecord(json['prompt'])) return undefined
  return typeof json['prompt']['class_type'] === 'string' ? undefined : json
}

/**
 * A document where some node has a `class_type` is a prompt, however broken: the server's verdict on it is
 * more useful than "not a workflow". Anything else goes through format detection, which names the problem.
 */
function looksLikeApiPrompt(json: unknown): boolean {
  return isRecord(json) && Object.values(json).some((node) => isRecord(node) && 'class_type' in node)
}

function toReport(result: Checked, server: ServerVersionChoice): FileReport {
  const imitated = (choice: ServerVersionChoice): FileReport['server'] => ({
    version: choice.behaviour.version,
    source: choice.source,
    ...(choice.fits === undefined ? {} : { fits: choice.fits }),
    evidence: choice.evidence,
  })
  if (result.kind === 'unusable') {
    return {
      file: result.file,
      accepted: false,
      status: 0,
      outputs: [],
      error: { type: 'unusable_input', message: result.reason, details: '', extra_info: {} },
      node_errors: {},
      server: imitated(server),
    }
  }
  const { verdict } = result
  return {
    file: result.file,
    accepted: verdict.accepted,
    status: verdict.status,
    outputs: verdict.outputs,
    error: verdict.error ?? null,
    node_errors: verdict.nodeErrors,
    server: imitated(verdict.server),
    ...(result.body === true ? { response: verdict.response() } : {}),
  }
}

function printHuman(results: readonly Checked[], io: CliIo): void {
  let accepted = 0
  let rejected = 0
  let unusable = 0
  for (const result of results) {
    if (result.kind === 'unusable') {
      unusable++
      io.stderr.write(`${result.file}: unusable: ${result.reason}\n`)
      continue
    }
    if (result.verdict.accepted) accepted++
    else rejected++
    io.stdout.write(`${formatVerdict(result.verdict, { file: result.file })}\n`)
    for (const note of result.notes) io.stdout.write(`  warning: ${note}\n`)
  }
  if (results.length > 1) {
    io.stdout.write(`${results.length} files: ${accepted} accepted, ${rejected} rejected, ${unusable} unusable\n`)
  }
}

/** `fn` over `items` with at most `limit` running at once; results keep the input order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
