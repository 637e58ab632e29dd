/**
 * The conventions every command follows for what it reads and writes:
 * - `-` stands for stdin (an input file) or stdout (an output file);
 * - an existing output file is never replaced without `--overwrite`;
 * - with `--json`, stdout carries exactly one JSON document, warnings and errors included;
 * - every message names the file it is about;
 * - control characters in what is printed (from servers and files) are escaped, once, by `runCli`
 *   (./terminal-safe.ts): commands write plain text and need not think about it.
 * @module
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { ComfyError } from '../errors.js'
import { stringifyJson } from '../json/lossless.js'
import { CliUsageError, exitCodeFor, EXIT, type CliIo } from './io.js'
import { writeFileAtomic } from './write-file.js'

/** `-` as a file name: stdin for inputs, stdout for outputs. */
export const STDIO = '-'

/** The text of an input file, or of stdin for `-`; an unreadable file is a usage error naming it. */
export async function readInput(file: string, io: CliIo): Promise<string> {
  if (file === STDIO) {
    const chunks: string[] = []
    const decoder = new TextDecoder()
    for await (const chunk of io.stdin ?? process.stdin) chunks.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }))
    chunks.push(decoder.decode())
    return chunks.join('')
  }
  try {
    return await readFile(resolve(io.cwd, file), 'utf8')
  } catch (error) {
    throw new CliUsageError(`cannot read ${file}: ${describeFsError(error)}`, { file, cause: error })
  }
}

/** How a file name is shown: `stdin` for `-`, the name as typed otherwise. */
export function shownName(file: string): string {
  return file === STDIO ? 'stdin' : file
}

/**
 * Refuses an output path that exists unless `--overwrite` was given. Commands call this before any work, so a
 * refused run costs nothing and changes nothing.
 */
export function assertWritable(file: string | undefined, overwrite: boolean | undefined, io: CliIo, flag = '--out'): void {
  if (file === undefined || file === STDIO || overwrite === true) return
  if (existsSync(resolve(io.cwd, file))) {
    throw new CliUsageError(`${file} exists; pass --overwrite to replace it (or choose another ${flag})`, { file })
  }
}

/** Writes an output file atomically (or to stdout for `-`), refusing to replace one without `--overwrite`. */
export async function writeOutput(file: string, text: string, overwrite: boolean | undefined, io: CliIo): Promise<void> {
  if (file === STDIO) {
    io.stdout.write(text)
    return
  }
  assertWritable(file, overwrite, io)
  await writeFileAtomic(resolve(io.cwd, file), text, file, overwrite === true)
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: string }).code
  if (code === 'ENOENT') return 'no such file'
  if (code === 'EISDIR') return 'it is a folder'
  if (code === 'EACCES') return 'permission denied'
  return code ?? (error as Error).message
}

/** One warning as `--json` prints it. */
export interface JsonWarning {
  readonly message: string
  readonly file?: string
}

/**
 * What a command reports. Human mode: results on stdout, warnings and notes on stderr as they come.
 * `--json` mode: everything is collected and {@link Report.finish} prints one JSON object on stdout:
 * `{ ok, exitCode, ...fields, warnings, error? }`.
 */
export class Report {
  readonly #io: CliIo
  readonly json: boolean
  readonly #fields: Record<string, unknown> = {}
  readonly #warnings: JsonWarning[] = []
  #error: { type: string; message: string; file?: string } | undefined

  constructor(io: CliIo, json: boolean | undefined) {
    this.#io = io
    this.json = json === true
  }

  /** A warning: printed as `warning: ...` on stderr, or listed under `warnings`. */
  warn(message: string, file?: string): void {
    if (this.json) this.#warnings.push(file === undefined ? { message } : { message, file })
    else this.#io.stderr.write(`warning: ${message}\n`)
  }

  /** A line of the human output (stdout); nothing in JSON mode, where {@link set} carries the data. */
  line(text: string): void {
    if (!this.json) this.#io.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }

  /** Progress or context for people (stderr); nothing in JSON mode. */
  note(text: string): void {
    if (!this.json) this.#io.stderr.write(text.endsWith('\n') ? text : `${text}\n`)
  }

  /** A field of the JSON result. */
  set(key: string, value: unknown): void {
    this.#fields[key] = value
  }

  /** Reports an error (a line on stderr, or `error` in the JSON) and returns its exit code. */
  fail(error: unknown): number {
    const code = exitCodeFor(error)
    if (!this.json) {
      if (error instanceof ComfyError) this.#io.stderr.write(`error: ${error.message}\n`)
      else this.#io.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
      return code
    }
    const file = error instanceof ComfyError ? error.file : undefined
    this.#error = {
      type: error instanceof Error ? error.name : 'Error',
      message: error instanceof Error ? error.message : String(error),
      ...(file === undefined ? {} : { file }),
    }
    return code
  }

  /** Ends the command: in JSON mode prints the one JSON document. Returns `code`. */
  finish(code: number): number {
    if (this.json) {
      const body = { ok: code === EXIT.ok, exitCode: code, ...this.#fields, warnings: this.#warnings, ...(this.#error ? { error: this.#error } : {}) }
      this.#io.stdout.write(`${stringifyJson(body, 2)}\n`)
    }
    return code
  }
}
