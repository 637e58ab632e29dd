/**
 * The commands of the CLI, loaded on demand: a command module brings its own dependencies (sharp, undici,
 * ts-morph), so only the invoked one is imported, and `comfy-dsl --help` lists the summaries below without
 * loading any.
 *
 * Adding a command: one file here exporting a {@link CliCommand}, one entry below. Follow the conventions the
 * shared helpers implement (README, "Command line"):
 * - exit codes from `EXIT` in ../io.ts; errors through `Report.fail` or `reportError` (they pick the code);
 * - `--json` through `Report` (../output.ts): one JSON document on stdout, warnings included;
 * - `-` for stdin/stdout with `readInput` / `writeOutput`; outputs never replace a file without `--overwrite`
 *   (`assertWritable` before any work);
 * - `--server` through `serverUrl` (../server-flag.ts); messages name the file and speak of flags.
 */
import type { CliCommand } from '../io.js'

interface CommandEntry {
  /** One line for `comfy-dsl --help`. */
  readonly summary: string
  readonly load: () => Promise<CliCommand>
}

const commands: Readonly<Record<string, CommandEntry>> = {
  codegen: { summary: 'generate typed node factories from /object_info', load: async () => (await import('./codegen.js')).codegenCommand },
  check: { summary: 'validate workflow files offline, as a ComfyUI server would', load: async () => (await import('./check.js')).checkCommand },
  convert: { summary: 'print the API JSON of a workflow (UI workflows converted as the editor does)', load: async () => (await import('./convert.js')).convertCommand },
  render: { summary: 'draw a UI workflow (or the one an output PNG carries) as SVG', load: async () => (await import('./render.js')).renderCommand },
  import: { summary: 'print a workflow as TypeScript that uses the typed factories', load: async () => (await import('./import.js')).importCommand },
  schema: { summary: 'write a JSON Schema of API prompts with per-class inputs', load: async () => (await import('./schema.js')).schemaCommand },
  run: { summary: 'run a workflow on a ComfyUI server with a progress bar', load: async () => (await import('./run.js')).runCommand },
  edit: { summary: 'edit an image with prompts through a template', load: async () => (await import('./edit.js')).editCommand },
  enqueue: { summary: 'validate a workflow and add it to the durable job queue (Redis)', load: async () => (await import('./enqueue.js')).enqueueCommand },
  worker: { summary: 'run jobs of the durable queue on one or more ComfyUI servers', load: async () => (await import('./worker.js')).workerCommand },
  'test-server': { summary: 'start the ComfyUI-protocol test server', load: async () => (await import('./test-server.js')).testServerCommand },
}

/** Every command name, in the order `--help` lists them. */
export const COMMAND_NAMES: readonly string[] = Object.keys(commands)

/** The one-line summary of each command, for the top-level help. */
export function commandSummaries(): readonly (readonly [string, string])[] {
  return Object.entries(commands).map(([name, entry]) => [name, entry.summary])
}

/** The named command's module, or undefined for a name that is not a command. */
export async function loadCommand(name: string | undefined): Promise<CliCommand | undefined> {
  const entry = name === undefined || !Object.hasOwn(commands, name) ? undefined : commands[name]
  return entry?.load()
}

/** Every command (tests that check all of them use it). */
export async function loadAllCommands(): Promise<CliCommand[]> {
  return Promise.all(Object.values(commands).map((entry) => entry.load()))
}
