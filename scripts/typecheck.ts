/** Type-checks files in-process with the project's TypeScript, returning diagnostics as text (scripts and tests). */
import ts from 'typescript'

export interface TypecheckResult {
  readonly errors: string[]
  readonly instantiations: number
  readonly types: number
}

export const STRICT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noUnusedLocals: true,
  noEmit: true,
  skipLibCheck: false,
  types: [],
  lib: ['lib.es2023.d.ts'],
}

export function typecheck(rootNames: readonly string[], options: ts.CompilerOptions = STRICT_OPTIONS): TypecheckResult {
  const program = ts.createProgram({ rootNames, options })
  const diagnostics = ts.getPreEmitDiagnostics(program)
  const errors = diagnostics.map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined
    const file = d.file ? `${d.file.fileName}:${(where?.line ?? 0) + 1}: ` : ''
    return `${file}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
  })
  return { errors, instantiations: program.getInstantiationCount(), types: program.getTypeCount() }
}
