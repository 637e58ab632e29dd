/**
 * `comfy-dsl codegen (--object-info FILE | --server URL) --out DIR [--check] [--overwrite] [--json]`
 * Regenerating over files this command wrote before is its normal use; a file in --out that it did not write
 * (no generated header) is replaced only with --overwrite. Exit 1 with --check when --out is stale.
 * @module
 */
import { join, resolve } from 'node:path'
import { Option } from 'commander'
import { GENERATED_MARKER } from '../../codegen/marker.js'
import type { GeneratedFile } from '../../codegen/generate.js'
import { readCurrentFiles, writeGeneratedFiles } from '../../codegen/write.js'
import { StaleGeneratedCodeError } from '../../errors.js'
import { loadDefsFor } from '../defs-source.js'
import { CliUsageError, EXIT, type CliCommand, type CliIo } from '../io.js'
import { Report } from '../output.js'
import { serverUrl } from '../server-flag.js'

interface CodegenFlags {
  objectInfo?: string
  server?: string
  out: string
  check?: boolean
  overwrite?: boolean
  json?: boolean
  importFrom: string
  comfyuiVersion?: string
  skipBroken?: boolean
  cache: boolean
}

export const codegenCommand: CliCommand = {
  register(program, io, done) {
    program
      .command('codegen')
      .description('generate typed node factories from /object_info')
      .addOption(new Option('--object-info <file>', 'a saved /object_info JSON file').conflicts('server'))
      .addOption(new Option('--server <url>', 'a running ComfyUI server to read /object_info from'))
      .requiredOption('--out <dir>', 'folder for the generated .ts files')
      .option('--check', 'write nothing; exit 1 when the files in --out are stale')
      .option('--overwrite', 'replace files in --out that codegen did not write')
      .option('--json', 'print one JSON object: {ok, exitCode, classes, files, changed, removed, stale?, warnings}')
      .option('--import-from <module>', 'module the generated code imports the DSL from', 'comfy-dsl')
      .option('--comfyui-version <version>', 'ComfyUI version for the header (default: from the server or file name)')
      .option('--skip-broken', 'leave out classes with malformed definitions instead of failing')
      .option('--no-cache', 'validate the definitions again instead of reading them from the cache (also COMFY_DSL_CACHE=off)')
      .action(async (flags: CodegenFlags) => {
        done(await runCodegen(flags, io))
      })
  },
}

async function runCodegen(flags: CodegenFlags, io: CliIo): Promise<number> {
  const report = new Report(io, flags.json)
  if ((flags.objectInfo === undefined) === (flags.server === undefined)) {
    return report.finish(report.fail(new CliUsageError('give exactly one of --object-info FILE or --server URL')))
  }
  try {
    if (flags.server !== undefined) serverUrl(flags.server)
    const options = {
      onError: flags.skipBroken ? ('skip' as const) : ('throw' as const),
      ...(flags.comfyuiVersion ? { comfyuiVersion: flags.comfyuiVersion } : {}),
      ...(flags.cache ? {} : { cache: false as const }),
    }
    // The definitions load (file or server) while the generator's modules load:
    const loading = loadDefsFor(flags, io, options, report)
    loading.catch(() => undefined) // awaited right below
    const { generateNodeFiles } = await import('../../codegen/generate.js')
    const loaded = await loading
    const files = await generateNodeFiles(loaded.defs, { importFrom: flags.importFrom, source: flags.objectInfo ?? loaded.source })
    const outDir = resolve(io.cwd, flags.out)
    // Read once: for refusing files codegen did not write, and for writing only the changed ones.
    const current = await readCurrentFiles(outDir, files)
    if (!flags.check && !flags.overwrite) refuseForeignFiles(flags.out, files, current)
    report.set('classes', loaded.defs.classes.size)
    report.set('files', files.length)
    report.set('out', flags.out)
    let result
    try {
      result = await writeGeneratedFiles(outDir, files, { check: flags.check === true, current })
    } catch (error) {
      if (!(error instanceof StaleGeneratedCodeError)) throw error
      report.set('stale', error.staleFiles)
      report.note(error.message)
      return report.finish(EXIT.failed)
    }
    report.set('changed', result.changed)
    report.set('removed', result.obsolete)
    if (flags.check) report.set('stale', [])
    const verb = flags.check ? 'up to date' : `${result.changed.length} file(s) written, ${result.obsolete.length} removed`
    report.line(`codegen: ${loaded.defs.classes.size} classes, ${files.length} files in ${flags.out}: ${verb}`)
    return report.finish(EXIT.ok)
  } catch (error) {
    return report.finish(report.fail(error))
  }
}

// Files in --out with the names codegen writes, that codegen did not write (no generated header):
function refuseForeignFiles(shownDir: string, files: readonly GeneratedFile[], texts: readonly (string | undefined)[]): void {
  const foreign = files.filter((_, i) => texts[i] !== undefined && !(texts[i] as string).includes(GENERATED_MARKER)).map((file) => join(shownDir, file.path))
  if (foreign.length > 0) {
    throw new CliUsageError(`${foreign.join(', ')} exist${foreign.length === 1 ? 's' : ''} and were not written by codegen; pass --overwrite to replace them`, {
      file: foreign[0] as string,
    })
  }
}
