/** Every command of the CLI, in the order `--help` lists them. Heavy modules load inside each action. */
import type { CliCommand } from '../program.js'
import { checkCommand } from './check.js'
import { codegenCommand } from './codegen.js'
import { convertCommand } from './convert.js'
import { importCommand } from './import.js'
import { schemaCommand } from './schema.js'

export const commands: readonly CliCommand[] = [codegenCommand, checkCommand, convertCommand, importCommand, schemaCommand]
