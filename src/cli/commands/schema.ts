/**
 * `comfy-dsl schema [--object-info FILE] [--out FILE] [--check]`: the JSON Schema of the API prompt format, with
 * per-class input schemas, for editors (the repo maps workflows/*.json to schemas/comfyui-prompt.schema.json).
 * @module
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { buildPromptJsonSchema, promptJsonSchemaText } from '../../validate/index.js'
import { loadDefsFor } from '../defs-source.js'
import { EXIT, reportError, type CliCommand, type CliIo } from '../io.js'
import { writeFileAtomic } from '../write-file.js'

interface SchemaFlags {
  objectInfo?: string
  out?: string
  check?: boolean
  id?: string
}

export const schemaCommand: CliCommand = {
  register(program, io, done) {
    program
      .command('schema')
      .description('write a JSON Schema of API prompts with per-class inputs (for editor validation and completion)')
      .option('--object-info <file>', 'node definitions (default: the bundled ComfyUI v0.26.0 core)')
      .option('--out <file>', 'write the schema to this file instead of printing it')
      .option('--check', 'write nothing; exit 1 when the --out file is not what would be written')
      .option('--id <uri>', '$id of the schema')
      .action(async (flags: SchemaFlags) => {
        done(await runSchema(flags, io))
      })
  },
}

async function runSchema(flags: SchemaFlags, io: CliIo): Promise<number> {
  try {
    if (flags.check && flags.out === undefined) {
      io.stderr.write('error: --check needs --out FILE (the file to compare)\n')
      return EXIT.unusable
    }
    const { defs } = await loadDefsFor(flags, io, { onError: 'skip' })
    const text = promptJsonSchemaText(buildPromptJsonSchema(defs, flags.id === undefined ? {} : { id: flags.id }))
    if (flags.out === undefined) {
      io.stdout.write(text)
      return EXIT.ok
    }
    const path = resolve(io.cwd, flags.out)
    if (flags.check) {
      const current = await readFile(path, 'utf8').catch(() => undefined)
      if (current === text) return EXIT.ok
      io.stderr.write(`${flags.out} is stale; run comfy-dsl schema --out ${flags.out} to update it\n`)
      return EXIT.failed
    }
    await writeFileAtomic(path, text, flags.out)
    io.stdout.write(`wrote ${flags.out} (${defs.classes.size} classes)\n`)
    return EXIT.ok
  } catch (error) {
    return reportError(error, io)
  }
}
