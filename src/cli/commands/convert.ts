/**
 * `comfy-dsl convert FILE.json [--object-info FILE | --server URL] [--out FILE] [--overwrite] [--json]`: a workflow
 * in either format to API JSON. `-` reads stdin (FILE) or writes stdout (--out).
 * @module
 */
import { Option } from 'commander'
import { detectFormat, readApiPrompt } from '../../convert/format.js'
import { uiToApi } from '../../convert/ui-to-api.js'
import { formatWarning } from '../../convert/warnings.js'
import { parseJson, stringifyJson } from '../../json/lossless.js'
import { loadDefsFor } from '../defs-source.js'
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
}

export const convertCommand: CliCommand = {
  register(program, io, done) {
    program
      .command('convert')
      .description('print the API JSON of a workflow (a UI workflow is converted as the editor does when queueing)')
      .argument('<file>', 'workflow JSON, UI or API format; - reads stdin')
      .addOption(new Option('--object-info <file>', 'node definitions for UI workflows (default: the bundled ComfyUI v0.26.0 core)').conflicts('server'))
      .addOption(new Option('--server <url>', 'read the node definitions from a running ComfyUI server'))
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
