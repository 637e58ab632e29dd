/** Type-checks the generated factories under the strictest settings users may have (the main job's validation). */
import { join } from 'node:path'
import { ComfyError } from '../src/errors.js'
import { ROOT } from './paths.js'
import { STRICT_OPTIONS, typecheck } from './typecheck.js'

/** Generated code that does not compile. */
export class GeneratedCodeError extends ComfyError {}

export function typecheckNodes(): string {
  const started = performance.now()
  const { errors } = typecheck([join(ROOT, 'src/nodes/index.ts')], { ...STRICT_OPTIONS, noUnusedParameters: true, skipLibCheck: true })
  if (errors.length > 0) throw new GeneratedCodeError(`src/nodes does not compile: ${errors.slice(0, 5).join('; ')}`)
  return `src/nodes: compiles under strict tsc (${((performance.now() - started) / 1000).toFixed(1)} s)`
}
