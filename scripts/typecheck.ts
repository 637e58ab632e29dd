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
  return { errors: ts.getPreEmitDiagnostics(program).map(formatDiagnostic), instantiations: program.getInstantiationCount(), types: program.getTypeCount() }
}

/** One program that several checks share, each checking its own files when it asks. */
export interface SharedProgram {
  /**
   * Checks the source files `files` accepts (the program's own diagnostics come with the first call) and returns
   * their errors with the counts so far: the first check's counts are those of a program of its files alone.
   */
  check(files: (fileName: string) => boolean): TypecheckResult
}

/** {@link typecheck} for several checks over one program: the compiler's start-up and the shared files are paid once. */
export function sharedProgram(rootNames: readonly string[], options: ts.CompilerOptions = STRICT_OPTIONS): SharedProgram {
  const program = ts.createProgram({ rootNames, options })
  let first = true
  return {
    check(files) {
      const diagnostics: ts.Diagnostic[] = []
      if (first) diagnostics.push(...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics())
      first = false
      for (const file of program.getSourceFiles()) {
        if (files(file.fileName)) diagnostics.push(...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file))
      }
      return { errors: diagnostics.map(formatDiagnostic), instantiations: program.getInstantiationCount(), types: program.getTypeCount() }
    },
  }
}

function formatDiagnostic(d: ts.Diagnostic): string {
  const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined
  const file = d.file ? `${d.file.fileName}:${(where?.line ?? 0) + 1}: ` : ''
  return `${file}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
}
