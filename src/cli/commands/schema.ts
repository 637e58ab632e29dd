/**
 * `comfy-dsl schema [--object-info FILE | --server URL] [--out FILE] [--overwrite] [--check] [--json]`: the JSON
 * Schema of the API prompt format, with per-class input schemas, for editors (the repo maps workflows/*.json to
 * schemas/comfyui-prompt.schema.json). Exit 1 with --check when --out is stale.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { buildPromptJsonSchema, promptJsonSchemaText } from '../../validate/json-schema.js'
import { loadDefsFor, definitionsServerOption, objectInfoOption } from '../defs-source.js'
import { CliUsageError, EXIT, type CliCommand, type CliIo } from '../io.js'
import { assertWritable, Report, writeOutput } from '../output.js'
import { serverUrl } from '../server-flag.js'

interface SchemaFlags {
  objectInfo?: string
  server?: string
  out?: string
  overwrite?: boolean
  json?: boolean
  check?: boolean
  id?: string
}

export const schemaCommand: CliCommand = {
  register(program, io, done) {
    program
      .command('schema')
      .description('write a JSON Schema of API prompts with per-class inputs (for editor validation and completion)')
      .addOption(objectInfoOption())
      .addOption(definitionsServerOption())
      .option('--out <file>', 'write the schema to this file instead of printing it (- prints it)')
      .option('--overwrite', 'replace --out when it exists')
      .option('--json', 'print one JSON object: {ok, exitCode, classes, out?, stale?, warnings} (the schema itself goes to --out)')
      .option('--check', 'write nothing; exit 1 when the --out file is not what would be written')
      .option('--id <uri>', '$id of the schema')
      .action(async (flags: SchemaFlags) => {
        done(await runSchema(flags, io))
      })
  },
}

async function runSchema(flags: SchemaFlags, io: CliIo): Promise<number> {
  const report = new Report(io, flags.json)
  try {
    if (flags.server !== undefined) serverUrl(flags.server)
    if (flags.check && (flags.out === undefined || flags.out === '-')) throw new CliUsageError('--check needs --out FILE (the file to compare)')
    if (flags.json && (flags.out === undefined || flags.out === '-')) throw new CliUsageError('--json needs --out FILE (stdout carries the JSON report)')
    if (!flags.check) assertWritable(flags.out, flags.overwrite, io)
    const { defs } = await loadDefsFor(flags, io, { onError: 'skip' }, report)
    const text = promptJsonSchemaText(buildPromptJsonSchema(defs, flags.id === undefined ? {} : { id: flags.id }))
    report.set('classes', defs.classes.size)
    const out = flags.out ?? '-'
    if (flags.check) {
      const current = await readFile(resolve(io.cwd, out), 'utf8').catch(() => undefined)
      report.set('stale', current !== text)
      if (current === text) return report.finish(EXIT.ok)
      report.note(`${out} is stale; run comfy-dsl schema --out ${out} --overwrite to update it`)
      return report.finish(EXIT.failed)
    }
    await writeOutput(out, text, flags.overwrite, io)
    if (out !== '-') {
      report.set('out', out)
      report.line(`wrote ${out} (${defs.classes.size} classes)`)
    }
    return report.finish(EXIT.ok)
  } catch (error) {
    return report.finish(report.fail(error))
  }
}
