/**
 * `comfy-dsl codegen (--object-info FILE | --server URL) --out DIR [--check]`
 * @module
 */
import { resolve } from 'node:path'
import { Option } from 'commander'
import { writeGeneratedFiles } from '../../codegen/write.js'
import { StaleGeneratedCodeError } from '../../errors.js'
import { loadDefsFor } from '../defs-source.js'
import { EXIT, reportError, type CliCommand } from '../io.js'

interface CodegenFlags {
  objectInfo?: string
  server?: string
  out: string
  check?: boolean
  importFrom: string
  comfyuiVersion?: string
  skipBroken?: boolean
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
      .option('--import-from <module>', 'module the generated code imports the DSL from', 'comfy-dsl')
      .option('--comfyui-version <version>', 'ComfyUI version for the header (default: from the server or file name)')
      .option('--skip-broken', 'leave out classes with malformed definitions instead of failing')
      .action(async (flags: CodegenFlags) => {
        done(await runCodegen(flags, io))
      })
  },
}

async function runCodegen(flags: CodegenFlags, io: Parameters<CliCommand['register']>[1]): Promise<number> {
  if ((flags.objectInfo === undefined) === (flags.server === undefined)) {
    io.stderr.write('error: give exactly one of --object-info FILE or --server URL\n')
    return EXIT.unusable
  }
  try {
    const options = {
      onError: flags.skipBroken ? ('skip' as const) : ('throw' as const),
      ...(flags.comfyuiVersion ? { comfyuiVersion: flags.comfyuiVersion } : {}),
    }
    // The definitions load (file or server) while the generator's modules load:
    const loading = loadDefsFor(flags, io, options)
    loading.catch(() => undefined) // awaited right below
    const { generateNodeFiles } = await import('../../codegen/generate.js')
    const loaded = await loading
    const files = await generateNodeFiles(loaded.defs, { importFrom: flags.importFrom, source: flags.objectInfo ?? loaded.source })
    const outDir = resolve(io.cwd, flags.out)
    const result = await writeGeneratedFiles(outDir, files, { check: flags.check === true })
    const verb = flags.check ? 'up to date' : `${result.changed.length} file(s) written, ${result.obsolete.length} removed`
    io.stdout.write(`codegen: ${loaded.defs.classes.size} classes, ${files.length} files in ${outDir}: ${verb}\n`)
    return EXIT.ok
  } catch (error) {
    if (error instanceof StaleGeneratedCodeError) {
      io.stderr.write(`${error.message}\n`)
      return EXIT.failed
    }
    return reportError(error, io)
  }
}
