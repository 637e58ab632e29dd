/**
 * `comfy-dsl import FILE.json [--object-info FILE | --server URL] [--out FILE.ts] [--overwrite] [--json]`: a
 * workflow (API or UI) as DSL source using the generated factories. `-` reads stdin (FILE) or writes stdout (--out).
 * @module
 */
import { loadWorkflow } from '../../convert/load.js'
import { formatWarning } from '../../convert/warnings.js'
import { transpileToDsl } from '../../codegen/transpile/transpile.js'
import { loadDefsFor, definitionsServerOption, objectInfoOption } from '../defs-source.js'
import { EXIT, type CliCommand, type CliIo } from '../io.js'
import { assertWritable, readInput, Report, shownName, writeOutput } from '../output.js'
import { serverUrl } from '../server-flag.js'

interface ImportFlags {
  objectInfo?: string
  server?: string
  out?: string
  overwrite?: boolean
  json?: boolean
  nodesModule: string
  dslModule: string
}

export const importCommand: CliCommand = {
  register(program, io, done) {
    program
      .command('import')
      .description('print a workflow (API or UI JSON) as TypeScript that uses the typed node factories')
      .argument('<file>', 'workflow JSON; - reads stdin')
      .addOption(objectInfoOption())
      .addOption(definitionsServerOption())
      .option('--out <file>', 'write the source to this file instead of printing it (- prints it)')
      .option('--overwrite', 'replace --out when it exists')
      .option('--json', 'print one JSON object: {ok, exitCode, source, untyped, warnings}')
      .option('--nodes-module <module>', 'module of the generated factories', 'comfy-dsl/nodes')
      .option('--dsl-module <module>', 'module of the DSL', 'comfy-dsl')
      .action(async (file: string, flags: ImportFlags) => {
        done(await runImport(file, flags, io))
      })
  },
}

async function runImport(file: string, flags: ImportFlags, io: CliIo): Promise<number> {
  const report = new Report(io, flags.json)
  try {
    if (flags.server !== undefined) serverUrl(flags.server)
    assertWritable(flags.out, flags.overwrite, io)
    const shown = shownName(file)
    const text = await readInput(file, io)
    const { defs } = await loadDefsFor(flags, io, {}, report)
    const { prompt, warnings } = loadWorkflow(text, defs, { file: shown })
    for (const warning of warnings) report.warn(formatWarning(warning, shown), shown)
    const result = await transpileToDsl(prompt, defs, { file: shown, nodesModule: flags.nodesModule, dslModule: flags.dslModule })
    for (const warning of result.warnings) report.warn(`${shown}: ${warning}`, shown)
    for (const u of result.untyped) report.note(`note: ${shown}: node ${u.id} (${u.classType}) uses node(): ${u.reason}`)
    if (report.json) {
      report.set('source', result.source)
      report.set('untyped', result.untyped)
      if (flags.out !== undefined && flags.out !== '-') {
        await writeOutput(flags.out, result.source, flags.overwrite, io)
        report.set('out', flags.out)
      }
    } else {
      await writeOutput(flags.out ?? '-', result.source, flags.overwrite, io)
    }
    return report.finish(EXIT.ok)
  } catch (error) {
    return report.finish(report.fail(error))
  }
}
