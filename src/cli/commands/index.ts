/** Every command of the CLI, in the order `--help` lists them. */
import type { CliCommand } from '../program.js'
import { codegenCommand } from './codegen.js'

export const commands: readonly CliCommand[] = [codegenCommand]
