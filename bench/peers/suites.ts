/** The side-by-side suites by name (`PEERS=name,...` selects some). Each runs its comparisons and prints them. */
import { clientSuite } from './suites/client.js'
import { codegenSuite } from './suites/codegen.js'

export const SUITES: Readonly<Record<string, () => Promise<void>>> = {
  codegen: codegenSuite,
  client: clientSuite,
}
