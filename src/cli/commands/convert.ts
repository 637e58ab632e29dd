/**
 * `comfy-dsl convert FILE [--to api|ui] [--object-info FILE | --server URL] [--out FILE] [--overwrite] [--json]`: a
 * workflow in either format to API JSON (default), or to a UI workflow the ComfyUI editor opens (`--to ui`, from API
 * JSON or a `.ts` graph module). `-` reads stdin (FILE) or writes stdout (--out).
 * @module
 */
import { Option } from 'commander'
import { detectFormat, readApiPrompt } from '../../convert/format.js'
import { uiToApi } from '../../convert/ui-to-api.js'
import { formatWarning } from '../../convert/warnings.js'
import { resolve } from 'node:path'
import type { DefSet } from '../../defs/model.js'
import { isNodeHandle, isOutput } from '../../dsl/output.js'
import type { PromptRoot } from '../../dsl/prompt.js'
import { InvalidArgumentError } from '../../errors.js'
import { parseJson, stringifyJson } from '../../json/lossless.js'
import { apiToWorkflow } from '../../workflow/from-api.js'
import { toWorkflow, type Group } from '../../workflow/to-workflow.js'
import type { WorkflowWarning } from '../../workflow/types.js'
import { isGraphModule, loadModule } from '../graph-module.js'
import { loadDefsFor, definitionsServerOption, objectInfoOption } from '../defs-source.js'
import { EXIT, type CliCommand, type CliIo } from '../io.js'
import { assertWritable, readInput, Report, shownName, writeOutput } from '../output.js'
import { serverUrl } from '../server-flag.js'

interface ConvertFlags {
  objectInfo?: string
  server?: string
  out?: string
  overwrite?: boolean
  json?: boolean
  keepDynamicPrompts?: boolean
  to: 'api' | 'ui'
}

export const convertCommand: CliCommand = {
  register(program, io, done) {
    program
      .command('convert')
      .description('print the API JSON of a workflow (a UI workflow is converted as the editor does when queueing), or with --to ui the UI workflow the editor opens')
      .argument('<file>', 'workflow JSON, UI or API format (- reads stdin), or a .ts module exporting a graph (default export: output nodes, a function returning them, or { outputs, groups })')
      .addOption(new Option('--to <format>', 'api: API JSON; ui: a UI workflow laid out left to right').choices(['api', 'ui']).default('api'))
      .addOption(objectInfoOption('node definitions for UI workflows'))
      .addOption(definitionsServerOption())
      .option('--out <file>', 'write the API JSON to this file instead of printing it (- prints it)')
      .option('--overwrite', 'replace --out when it exists')
      .option('--json', 'print one JSON object: {ok, exitCode, format, prompt, warnings}')
      .option('--keep-dynamic-prompts', 'keep {a|b} choices and comments in prompt texts instead of resolving them')
      .action(async (file: string, flags: ConvertFlags) => {
        done(await runConvert(file, flags, io))
      })
  },
}

async function runConvert(file: string, flags: ConvertFlags, io: CliIo): Promise<number> {
  const report = new Report(io, flags.json)
  try {
    if (flags.server !== undefined) serverUrl(flags.server)
    assertWritable(flags.out, flags.overwrite, io)
    const shown = shownName(file)
    if (flags.to === 'ui') return await toUi(file, shown, flags, io, report)
    const json = parseJson(await readInput(file, io), { file: shown })
    const format = detectFormat(json, { file: shown })
    let prompt
    if (format === 'api') {
      prompt = readApiPrompt(json, { file: shown })
    } else {
      const { defs } = await loadDefsFor(flags, io, { onError: 'skip' }, report)
      const result = uiToApi(json, defs, { file: shown, ...(flags.keepDynamicPrompts ? { dynamicPrompts: 'keep' as const } : {}) })
      for (const warning of result.warnings) report.warn(formatWarning(warning, shown), shown)
      prompt = result.prompt
    }
    if (report.json) {
      report.set('format', format)
      report.set('prompt', prompt)
      // stdout carries the JSON document: `--out -` adds nothing to it.
      if (flags.out !== undefined && flags.out !== '-') {
        await writeOutput(flags.out, `${stringifyJson(prompt, 2)}\n`, flags.overwrite, io)
        report.set('out', flags.out)
      }
      return report.finish(EXIT.ok)
    }
    await writeOutput(flags.out ?? '-', `${stringifyJson(prompt, 2)}\n`, flags.overwrite, io)
    return report.finish(EXIT.ok)
  } catch (error) {
    return report.finish(report.fail(error))
  }
}

// --to ui: a graph module or API JSON laid out as a UI workflow; a UI workflow is printed as it is.
async function toUi(file: string, shown: string, flags: ConvertFlags, io: CliIo, report: Report): Promise<number> {
  const { defs } = await loadDefsFor(flags, io, { onError: 'skip' }, report)
  const warn = (w: WorkflowWarning): void => report.warn(w.message, shown)
  let workflow: unknown
  let format: string
  if (file !== '-' && isGraphModule(file)) {
    format = 'module'
    workflow = await moduleWorkflow(await loadModule(resolve(io.cwd, file)), defs, warn, shown)
  } else {
    const json = parseJson(await readInput(file, io), { file: shown })
    format = detectFormat(json, { file: shown })
    workflow = format === 'api' ? apiToWorkflow(readApiPrompt(json, { file: shown }), defs, { warn }) : json
  }
  const text = `${stringifyJson(workflow, 2)}\n`
  if (report.json) {
    report.set('format', format)
    report.set('workflow', workflow)
    if (flags.out !== undefined && flags.out !== '-') {
      await writeOutput(flags.out, text, flags.overwrite, io)
      report.set('out', flags.out)
    }
    return report.finish(EXIT.ok)
  }
  await writeOutput(flags.out ?? '-', text, flags.overwrite, io)
  return report.finish(EXIT.ok)
}

async function moduleWorkflow(value: unknown, defs: DefSet, warn: (w: WorkflowWarning) => void, shown: string): Promise<unknown> {
  if (isNodeHandle(value) || isOutput(value)) return toWorkflow([value], defs, { warn })
  if (Array.isArray(value)) return toWorkflow(value as PromptRoot[], defs, { warn })
  const graph = value as { outputs?: unknown; groups?: readonly Group[] }
  if (typeof graph === 'object' && graph !== null && Array.isArray(graph.outputs)) {
    return toWorkflow(graph.outputs as PromptRoot[], defs, { warn, ...(graph.groups === undefined ? {} : { groups: graph.groups }) })
  }
  const { preparePrompt } = await import('../../client/graph.js')
  try {
    return apiToWorkflow(preparePrompt(value as never).prompt, defs, { warn })
  } catch (error) {
    throw new InvalidArgumentError(`${shown}: the default export is not a graph (${error instanceof Error ? error.message : String(error)})`, { file: shown })
  }
}
