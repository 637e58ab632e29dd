/**
 * Generated factories import only from the root entry (`comfy-dsl`): every name codegen may import must be
 * exported there, or users' strict builds fail and widget types silently become `any`.
 */
import { expect, test } from 'vitest'
import { DSL_TYPE_IMPORTS, DSL_VALUE_IMPORTS } from '../../src/codegen/plan.js'
import * as root from '../../src/index.js'
import type {
  AnyOutput,
  BooleanInput,
  ComboInput,
  FileInput,
  FloatInput,
  IntInput,
  Link,
  LiteralValue,
  NodeHandle,
  NodeOptions,
  Output,
  StringInput,
} from '../../src/index.js'

// tsc fails here when a name codegen imports is missing from the root entry's types:
type Exported = {
  AnyOutput: AnyOutput
  BooleanInput: BooleanInput
  ComboInput: ComboInput<'a'>
  FileInput: FileInput
  FloatInput: FloatInput
  IntInput: IntInput
  Link: Link<'INT'>
  LiteralValue: LiteralValue
  NodeHandle: NodeHandle
  NodeOptions: NodeOptions
  Output: Output
  StringInput: StringInput
}
// ...and here when codegen starts importing a type this test does not list:
const listed: Record<(typeof DSL_TYPE_IMPORTS)[number], true> = {
  AnyOutput: true,
  BooleanInput: true,
  ComboInput: true,
  FileInput: true,
  FloatInput: true,
  IntInput: true,
  Link: true,
  LiteralValue: true,
  NodeHandle: true,
  NodeOptions: true,
  Output: true,
  StringInput: true,
} satisfies Record<keyof Exported, true>

test('the root entry exports every value generated code imports', () => {
  for (const name of DSL_VALUE_IMPORTS) expect(typeof (root as Record<string, unknown>)[name]).toBe('function')
  expect(Object.keys(listed).sort()).toEqual([...DSL_TYPE_IMPORTS].sort())
})
