/** The in-process type checker the scripts use, for tests. */
export { STRICT_OPTIONS, typecheck } from '../../scripts/typecheck.js'
export type { TypecheckResult } from '../../scripts/typecheck.js'
