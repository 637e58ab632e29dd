/**
 * `comfy-dsl check FILE... [--object-info FILE | --server URL] [--json] [--body]`: the verdict a ComfyUI server would
 * give each API or UI workflow (or, with `--body`, each whole POST /prompt request body), without a server.
 * Exit 0: all accepted; 1: some rejected; 2: some file unusable; 3: the --server is unreachable. `-` reads stdin.
 * @module
 */
import { Option } from 'commander'
import { detectFormat } from '../../convert/format.js'
import type { DefSet } from '../../defs/model.js'
import { ComfyError, formatPath, type IssuePath } from '../../errors.js'
// Modules, not the validate barrel: the barrel also carries the JSON Schema export (zod), which check never uses.
import { formatIssue, formatVerdict } from '../../validate/format.js'
import { parsePythonJson } from '../../validate/python-json.js'
import type { ServerError, ValidateOptions, Verdict } from '../../validate/types.js'
import { validate } from '../../validate/validate.js'
import { chooseServerVersion, describeServerVersion, type ServerVersionChoice } from '../../validate/server-version.js'
import { loadDefsFor, definitionsServerOption, objectInfoOption } from '../defs-source.js'
import { EXIT, type CliCommand, type CliIo } from '../io.js'
import { readInput, Report, shownName } from '../output.js'
import { serverUrl } from '../server-flag.js'

interface CheckFlags {
  objectInfo?: string
  server?: string
  json?: boolean
  serverVersion?: string
  lint: boolean
  cache: boolean
  files?: 'listed' | 'assume-present'
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
  readonly warnings: readonly string[]
}

type Checked =
  | {
      readonly kind: 'verdict'
      readonly file: string
      readonly verdict: Verdict
      readonly notes: readonly string[]
      readonly hints: readonly string[]
      readonly body?: boolean
    }
  | { readonly kind: 'unusable'; readonly file: string; readonly reason: string; readonly errorType: string; readonly path: IssuePath }

// Files are read this many at a time; validation itself is synchronous and fast.
const READ_CONCURRENCY = 16

export const checkCommand: CliCommand = {
  register(program, io, done) {
    program
      .command('check')
      .description('validate API or UI workflow files offline, as a ComfyUI server would (POST /prompt)')
      .argument('<files...>', 'workflow JSON files (API prompts, POST /prompt bodies or UI workflows); - reads stdin')
      .addOption(objectInfoOption())
      .addOption(definitionsServerOption())
      .option('--json', 'print one JSON object: {ok, exitCode, files: [{file, accepted, outputs, error, node_errors, warnings}], warnings}')
      .option('--server-version <version>', 'imitate this ComfyUI release (default: the definitions\' version)')
      .option('--no-lint', 'leave out warnings about things the server accepts')
      .option('--no-cache', 'validate --object-info / --server definitions again instead of reading them from the cache')
      .option('--body', 'each file is a whole POST /prompt request body, judged as the server reads it (any JSON, even invalid)')
      .addOption(
        new Option(
          '--files <mode>',
          'files loaded by LoadImage & co.: listed = only those the definitions list (default, except for the bundled definitions, which list none)',
        ).choices(['listed', 'assume-present']),
      )
      .action(async (files: string[], flags: CheckFlags) => {
        done(await runCheck(files, flags, io))
      })
  },
}

async function runCheck(files: readonly string[], flags: CheckFlags, io: CliIo): Promise<number> {
  const report = new Report(io, flags.json)
  let defs: DefSet
  let bundled: boolean
  try {
    if (flags.server !== undefined) serverUrl(flags.server)
    const loaded = await loadDefsFor(flags, io, { onError: 'skip', ...(flags.cache ? {} : { cache: false as const }) }, report)
    defs = loaded.defs
    bundled = loaded.bundled
  } catch (error) {
    return report.finish(report.fail(error))
  }
  // The bundled snapshot was taken on a server without models: its file lists are empty, so names are assumed present.
  const files_: ValidateOptions['files'] = flags.files ?? (bundled ? 'assume-present' : 'listed')
  if (bundled && flags.files === undefined) {
    report.note('note: checked against the bundled core definitions, which list no model or image files: file names are assumed present (--object-info or --server checks them)')
  }
  const options: ValidateOptions = {
    lint: flags.lint,
    files: files_,
    ...(flags.serverVersion === undefined ? {} : { serverVersion: flags.serverVersion }),
  }
  const hint = bundled ? BUNDLED_FILES_HINT : undefined
  let results: Checked[]
  try {
    const one = flags.body === true ? checkBody : checkFile
    // Each file gets its own verdict: whatever one file does (even a bug it triggers) costs the others nothing.
    results = await mapConcurrently(files, READ_CONCURRENCY, async (file) => {
      try {
        return await one(file, io, defs, options, hint)
      } catch (error) {
        return unusable(shownName(file), error)
      }
    })
  } catch (error) {
    return report.finish(report.fail(error))
  }
  const code = results.some((r) => r.kind === 'unusable')
    ? EXIT.unusable
    : results.some((r) => r.kind === 'verdict' && !r.verdict.accepted)
      ? EXIT.failed
      : EXIT.ok
  const server = chooseServerVersion(defs, options.serverVersion)
  if (report.json) report.set('files', results.map((r) => toReport(r, server)))
  else printHuman(results, io)
  // A release guessed from the definitions is worth saying; a named one is not:
  if (server.source === 'object_info') report.note(`note: judged as ${describeServerVersion(server)}`)
  return report.finish(code)
}

const BUNDLED_FILES_HINT =
  'the bundled core definitions list no model or image files; check with --object-info or --server for your own lists, or --files assume-present'

/** `--body`: the file's text is the request body, judged whole (invalid JSON is the server's HTTP 500). */
async function checkBody(path: string, io: CliIo, defs: DefSet, options: ValidateOptions): Promise<Checked> {
  const file = shownName(path)
  const text = await readInput(path, io)
  const { validateRequestText } = await import('../../validate/request.js')
  return { kind: 'verdict', file, verdict: validateRequestText(text, defs, options), notes: [], hints: [], body: true }
}

async function checkFile(path: string, io: CliIo, defs: DefSet, options: ValidateOptions, filesHint: string | undefined): Promise<Checked> {
  const file = shownName(path)
  const text = await readInput(path, io)
  const checked = (verdict: Verdict, notes: readonly string[]): Checked => ({
    kind: 'verdict',
    file,
    verdict,
    notes,
    hints: filesHint !== undefined && rejectsAFileName(verdict) ? [filesHint] : [],
  })
  // Read as the server reads it: key order, `5.0` vs `5`, NaN tokens all matter to the verdict.
  const json = parsePythonJson(text, { file })
  // A litegraph document without nodes is a UI workflow too: the editor queues an empty prompt for it.
  const ui = isUiWorkflow(json) || (requestBody(json) === undefined && !looksLikeApiPrompt(json) && detectFormat(json, { file }) === 'ui')
  if (ui) {
    // The editor's conversion (some twenty modules) loads for UI workflows only:
    const [{ uiToApi }, { formatWarning }, { parseJson }] = await Promise.all([
      import('../../convert/ui-to-api.js'),
      import('../../convert/warnings.js'),
      import('../../json/lossless.js'),
    ])
    const converted = uiToApi(parseJson(text, { file }), defs, { file, dynamicPrompts: 'keep' })
    const notes = converted.warnings.map((w) => `conversion: ${formatWarning(w, file)}`)
    return checked(validate(converted.prompt, defs, options), notes)
  }
  const body = requestBody(json)
  const prompt = body === undefined ? json : body['prompt']
  if (body === undefined && !looksLikeApiPrompt(json)) detectFormat(json, { file })
  const targets = body?.['partial_execution_targets']
  return checked(validate(prompt, defs, targets === undefined ? options : { ...options, partialExecutionTargets: targets }), [])
}

/** A file without a verdict: typed errors say what is wrong and where; anything else is reported as a bug. */
function unusable(file: string, error: unknown): Checked {
  if (error instanceof ComfyError) return { kind: 'unusable', file, reason: error.message, errorType: error.name, path: error.path }
  const reason = `internal error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`
  return { kind: 'unusable', file, reason, errorType: error instanceof Error ? error.name : 'Error', path: [] }
}

// `value_not_in_list` on an empty list: a file picker of definitions that list no files.
function rejectsAFileName(verdict: Verdict): boolean {
  return verdict.issues.some((issue) => issue.type === 'value_not_in_list' && issue.details.endsWith(' not in []'))
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
      error: {
        type: 'unusable_input',
        message: result.reason,
        details: result.errorType,
        extra_info: result.path.length > 0 ? { path: formatPath(result.path) } : {},
      },
      node_errors: {},
      server: imitated(server),
      warnings: [],
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
    warnings: [...verdict.warnings.map((w) => formatIssue(w, { file: result.file })), ...result.notes, ...result.hints.map((h) => `hint: ${h}`)],
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
    for (const hint of result.hints) io.stdout.write(`  hint: ${hint}\n`)
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
