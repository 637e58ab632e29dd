/** The in-process type checker the scripts use, for tests. */
export { sharedProgram, STRICT_OPTIONS, typecheck } from '../../scripts/typecheck.js'
export type { SharedProgram, TypecheckResult } from '../../scripts/typecheck.js'
