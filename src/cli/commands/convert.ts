/**
 * `comfy-dsl convert FILE.json [--object-info FILE] [--out FILE]`: a workflow in either format to API JSON.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { detectFormat, readApiPrompt } from '../../convert/format.js'
import { uiToApi } from '../../convert/ui-to-api.js'
import { formatWarning } from '../../convert/warnings.js'
import { ComfyError } from '../../errors.js'
import { parseJson, stringifyJson } from '../../json/lossless.js'
import { loadDefsFor } from '../defs-source.js'
import { EXIT, reportError, type CliCommand, type CliIo } from '../io.js'
import { writeFileAtomic } from '../write-file.js'

/** A workflow file that cannot be read or written. */
export class WorkflowFileError extends ComfyError {}

interface ConvertFlags {
  objectInfo?: string
  out?: string
  keepDynamicPrompts?: boolean
}

export const convertCommand: CliCommand = {
  register(program, io, done) {
    program
      .command('convert')
      .description('print the API JSON of a workflow (a UI workflow is converted as the editor does when queueing)')
      .argument('<file>', 'workflow JSON, UI or API format')
      .option('--object-info <file>', 'node definitions for UI workflows (default: the bundled ComfyUI v0.26.0 core)')
      .option('--out <file>', 'write the API JSON to this file instead of printing it')
      .option('--keep-dynamic-prompts', 'keep {a|b} choices and comments in prompt texts instead of resolving them')
      .action(async (file: string, flags: ConvertFlags) => {
        done(await runConvert(file, flags, io))
      })
  },
}

async function runConvert(file: string, flags: ConvertFlags, io: CliIo): Promise<number> {
  try {
    const path = resolve(io.cwd, file)
    const text = await readText(path, file)
    const json = parseJson(text, { file })
    let prompt
    if (detectFormat(json, { file }) === 'api') {
      prompt = readApiPrompt(json, { file })
    } else {
      const { defs } = await loadDefsFor(flags, io, { onError: 'skip' })
      const result = uiToApi(json, defs, { file, ...(flags.keepDynamicPrompts ? { dynamicPrompts: 'keep' as const } : {}) })
      for (const warning of result.warnings) io.stderr.write(`warning: ${formatWarning(warning, file)}\n`)
      prompt = result.prompt
    }
    const output = `${stringifyJson(prompt, 2)}\n`
    if (flags.out === undefined) io.stdout.write(output)
    else await writeFileAtomic(resolve(io.cwd, flags.out), output, flags.out)
    return EXIT.ok
  } catch (error) {
    return reportError(error, io)
  }
}

async function readText(path: string, shown: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    throw new WorkflowFileError(`cannot read ${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      file: shown,
      cause: error,
    })
  }
}
