/** Type-checks the generated factories under the strictest settings users may have (the main job's validation). */
import { join } from 'node:path'
import ts from 'typescript'
import { ComfyError } from '../src/errors.js'
import { ROOT } from './paths.js'

/** Generated code that does not compile. */
export class GeneratedCodeError extends ComfyError {}

export function typecheckNodes(): string {
  const started = performance.now()
  const program = ts.createProgram({
    rootNames: [join(ROOT, 'src/nodes/index.ts')],
    options: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
      lib: ['lib.es2023.d.ts'],
    },
  })
  const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
  if (errors.length > 0) throw new GeneratedCodeError(`src/nodes does not compile: ${errors.slice(0, 5).join('; ')}`)
  return `src/nodes: compiles under strict tsc (${((performance.now() - started) / 1000).toFixed(1)} s)`
}
