/** Every command of the CLI, in the order `--help` lists them. */
import type { CliCommand } from '../program.js'
import { checkCommand } from './check.js'
import { codegenCommand } from './codegen.js'
import { convertCommand } from './convert.js'
import { editCommand } from './edit.js'
import { importCommand } from './import.js'
import { runCommand } from './run.js'
import { schemaCommand } from './schema.js'
import { testServerCommand } from './test-server.js'

export const commands: readonly CliCommand[] = [
  codegenCommand,
  checkCommand,
  convertCommand,
  importCommand,
  schemaCommand,
  runCommand,
  editCommand,
  testServerCommand,
]
