/**
 * Runs one hostile case through everything that reads workflows: the parsers, the library functions (given the
 * text, and given the value already parsed, as library callers do) and the CLI commands check, convert and import
 * in process. Classifies what each one did: a result, or one of comfy-dsl's typed errors (fine), or anything else
 * (an untyped error: a bug). Also notes whether a built-in prototype changed.
 */
import { checkCommand } from '../../src/cli/commands/check.js'
import { convertCommand } from '../../src/cli/commands/convert.js'
import { importCommand } from '../../src/cli/commands/import.js'
import { runCli, type CliIo } from '../../src/cli/program.js'
import { transpileToDsl } from '../../src/codegen/transpile/transpile.js'
import { detectFormat, readApiPrompt } from '../../src/convert/format.js'
import { importApiPrompt } from '../../src/convert/import-api.js'
import { loadWorkflow } from '../../src/convert/load.js'
import { uiToApi } from '../../src/convert/ui-to-api.js'
import { coreDefs } from '../../src/defs/core/index.js'
import { toPrompt } from '../../src/dsl/prompt.js'
import { ComfyError } from '../../src/errors.js'
import { parseJson, stringifyJson } from '../../src/json/lossless.js'
import { parsePythonJson } from '../../src/validate/python-json.js'
import { validateRequest, validateRequestText } from '../../src/validate/request.js'
import { validate } from '../../src/validate/validate.js'
import type { HostileCase } from './hostile-workflows.js'

export interface Failure {
  readonly target: string
  readonly what: string
}

export interface CaseResult {
  /** Untyped errors (and broken contracts: validate throwing, unparsable --json output). */
  readonly failures: readonly Failure[]
  /** Typed errors raised, by class name. */
  readonly typed: ReadonlyMap<string, number>
  /** Wall time of the whole case, and of its slowest target. */
  readonly ms: number
  readonly slowest: { readonly target: string; readonly ms: number }
  readonly prototypesIntact: boolean
}

const FILE = 'fuzz.json'
const COMMANDS = [checkCommand, convertCommand, importCommand]
// JSON output for check (the verdicts written whole), human output for convert and import (errors on stderr):
const CLI_RUNS: readonly (readonly string[])[] = [['check', '--json', '-'], ['convert', '-'], ['import', '-']]
// What a JavaScript engine throws on its own: never what comfy-dsl should let out.
const PLAIN_ERRORS = /^(Error|RangeError|TypeError|SyntaxError|ReferenceError|EvalError|URIError|AggregateError)$/

export async function runCase(c: HostileCase): Promise<CaseResult> {
  const failures: Failure[] = []
  const typed = new Map<string, number>()
  let slowest = { target: '', ms: 0 }
  const started = performance.now()

  const attempt = async <T>(target: string, fn: () => T | Promise<T>, mustNotThrow = false): Promise<T | undefined> => {
    const t0 = performance.now()
    try {
      return await fn()
    } catch (error) {
      if (error instanceof ComfyError && !mustNotThrow) {
        typed.set(error.name, (typed.get(error.name) ?? 0) + 1)
        return undefined
      }
      failures.push({ target, what: describe(error, mustNotThrow) })
      return undefined
    } finally {
      const ms = performance.now() - t0
      if (ms > slowest.ms) slowest = { target, ms }
    }
  }

  // The text, as files and answers arrive:
  await attempt('parseJson', () => parseJson(c.text, { file: FILE }))
  await attempt('parsePythonJson', () => parsePythonJson(c.text, { file: FILE }))
  await attempt('validateRequestText', () => validateRequestText(c.text, coreDefs), true)
  const loaded = await attempt('loadWorkflow', () => loadWorkflow(c.text, coreDefs, { file: FILE }))
  if (loaded !== undefined) {
    const imported = await attempt('importApiPrompt(loaded)', () => importApiPrompt(loaded.prompt, { defs: coreDefs, file: FILE }))
    if (imported !== undefined) await attempt('toPrompt(imported)', () => stringifyJson(toPrompt(...imported.roots)))
    await attempt('validate(loaded)', () => validate(loaded.prompt, coreDefs), true)
  }

  // The value, as library callers hand it over:
  if (c.hasValue) {
    const value = c.value
    await attempt('detectFormat', () => detectFormat(value))
    await attempt('readApiPrompt', () => readApiPrompt(value))
    await attempt('uiToApi', () => stringifyJson(uiToApi(value, coreDefs, { file: FILE }).prompt))
    const imported = await attempt('importApiPrompt', () => importApiPrompt(value, { defs: coreDefs }))
    if (imported !== undefined) await attempt('toPrompt', () => stringifyJson(toPrompt(...imported.roots)))
    await attempt('transpileToDsl', () => transpileToDsl(value, coreDefs))
    await attempt('validate', () => validate(value, coreDefs), true)
    await attempt('validateRequest', () => validateRequest({ prompt: value, client_id: 'fuzz' }, coreDefs), true)
  }

  // The commands, reading the text from stdin:
  for (const argv of CLI_RUNS) {
    const target = `comfy-dsl ${argv.join(' ')}`
    await attempt(target, async () => {
      const problem = await runCommand(argv, c.text)
      if (problem !== undefined) failures.push({ target, what: problem })
    })
  }

  return { failures, typed, ms: performance.now() - started, slowest, prototypesIntact: prototypesIntact() }
}

/** Runs a command in process; returns what is wrong with its outcome, if anything. */
async function runCommand(argv: readonly string[], text: string): Promise<string | undefined> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
    stdin: (async function* () {
      yield text
    })(),
    cwd: process.cwd(),
    env: {},
  }
  const code = await runCli(argv, io, COMMANDS)
  if (![0, 1, 2].includes(code)) return `exit code ${code}`
  if (stderr.includes('internal error')) return stderr.slice(stderr.indexOf('internal error'), stderr.indexOf('internal error') + 300)
  if (!argv.includes('--json')) return undefined
  let body: { error?: { type?: string; message?: string }; files?: { error?: { message?: string } | null }[] }
  try {
    body = parseJson(stdout) as typeof body
  } catch (error) {
    return `--json printed no JSON document: ${(error as Error).message.slice(0, 200)}`
  }
  if (body.error?.type !== undefined && PLAIN_ERRORS.test(body.error.type)) return `${body.error.type}: ${body.error.message?.slice(0, 300)}`
  const crashed = body.files?.find((f) => f.error?.message?.startsWith('internal error'))
  return crashed?.error?.message?.slice(0, 300)
}

function describe(error: unknown, mustNotThrow: boolean): string {
  const what = error instanceof Error ? `${error.name}: ${error.message.slice(0, 300)}` : String(error).slice(0, 300)
  return mustNotThrow && error instanceof ComfyError ? `threw although documented never to throw: ${what}` : what
}

// The built-in prototypes as they were when this module loaded:
const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype]
const BASELINE = PROTOTYPES.map((p) => Reflect.ownKeys(p).length)

/** No key added to or removed from a built-in prototype; a fresh object inherits nothing enumerable. */
export function prototypesIntact(): boolean {
  if (PROTOTYPES.some((p, i) => Reflect.ownKeys(p).length !== BASELINE[i])) return false
  const probe: Record<string, unknown> = {}
  let inherited = 0
  for (const key in probe) if (key !== '') inherited++
  return inherited === 0 && Object.getPrototypeOf(probe) === Object.prototype && probe['polluted'] === undefined
}
