/**
 * `comfy-dsl import FILE.json [--object-info FILE | --server URL] [--out FILE.ts]`: a workflow (API or UI) as
 * DSL source using the generated factories.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Option } from 'commander'
import { loadWorkflow } from '../../convert/load.js'
import { formatWarning } from '../../convert/warnings.js'
import { transpileToDsl } from '../../codegen/transpile/transpile.js'
import { loadDefsFor } from '../defs-source.js'
import { writeFileAtomic } from '../write-file.js'
import { EXIT, reportError, type CliCommand, type CliIo } from '../io.js'

interface ImportFlags {
  objectInfo?: string
  server?: string
  out?: string
  nodesModule: string
  dslModule: string
}

export const importCommand: CliCommand = {
  register(program, io, done) {
    program
      .command('import')
      .description('print a workflow (API or UI JSON) as TypeScript that uses the typed node factories')
      .argument('<file>', 'workflow JSON')
      .addOption(new Option('--object-info <file>', 'node definitions (default: the bundled ComfyUI v0.26.0 core)').conflicts('server'))
      .addOption(new Option('--server <url>', 'read the node definitions from a running ComfyUI server'))
      .option('--out <file>', 'write the source to this file instead of printing it')
      .option('--nodes-module <module>', 'module of the generated factories', 'comfy-dsl/nodes')
      .option('--dsl-module <module>', 'module of the DSL', 'comfy-dsl')
      .action(async (file: string, flags: ImportFlags) => {
        done(await runImport(file, flags, io))
      })
  },
}

async function runImport(file: string, flags: ImportFlags, io: CliIo): Promise<number> {
  try {
    const { defs } = await loadDefsFor(flags, io)
    const path = resolve(io.cwd, file)
    const { prompt, warnings } = loadWorkflow(await readFile(path, 'utf8'), defs, { file })
    for (const warning of warnings) io.stderr.write(`warning: ${formatWarning(warning)}\n`)
    const result = await transpileToDsl(prompt, defs, { file, nodesModule: flags.nodesModule, dslModule: flags.dslModule })
    for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`)
    for (const u of result.untyped) io.stderr.write(`note: node ${u.id} (${u.classType}) uses node(): ${u.reason}\n`)
    if (flags.out === undefined) io.stdout.write(result.source)
    else await writeFileAtomic(resolve(io.cwd, flags.out), result.source)
    return EXIT.ok
  } catch (error) {
    return reportError(error, io)
  }
}
