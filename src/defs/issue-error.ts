/**
 * zod issues in a node definition to {@link ObjectInfoError}s that name the class, the input and the field.
 * @module
 */
import type * as z from 'zod/mini'
import { ObjectInfoError } from '../errors.js'

type Path = readonly (string | number)[]

/** Turns the first zod issue into an error that names class, input and field. */
export function issueToError(
  classType: string,
  error: z.core.$ZodError,
  value: unknown,
  basePath: Path,
  inputOverride?: string,
): ObjectInfoError {
  const issue = error.issues[0]
  const issuePath = (issue?.path ?? []) as (string | number)[]
  let inputName = inputOverride
  let fieldPath = issuePath
  if (inputOverride === undefined && issuePath[0] === 'input' && typeof issuePath[2] === 'string') {
    inputName = issuePath[2]
    fieldPath = issuePath.slice(3)
  }
  // Inside a spec `[type, options]`, name the part: `type` or the option key:
  if (inputName !== undefined && fieldPath[0] === 0) fieldPath = ['type', ...fieldPath.slice(1)]
  else if (inputName !== undefined && fieldPath[0] === 1) fieldPath = fieldPath.slice(1)
  const field = fieldPath.length > 0 ? fieldPath.join('.') : undefined
  const expected = describeIssue(issue)
  const received = valueAt(value, issuePath)
  const fullPath = [...basePath.filter((s) => s !== '$'), ...issuePath]
  return new ObjectInfoError(classType, inputName, field ?? (inputName === undefined ? undefined : 'spec'), expected, received, {
    path: [classType, ...fullPath],
  })
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'a valid node definition'
  if (issue.code === 'invalid_type') return `${issue.expected}`
  if (issue.code === 'invalid_union') {
    const expected = new Set<string>()
    for (const branch of issue.errors) {
      for (const sub of branch) if (sub.code === 'invalid_type' && sub.path.length === 0) expected.add(sub.expected)
    }
    if (expected.has('string') && expected.has('array')) return 'a type name or a list of combo options'
    return expected.size > 0 ? [...expected].join(' or ') : 'one of the accepted forms of /object_info'
  }
  if (issue.code === 'too_small') return 'at least a type name: [type, options?]'
  return issue.message
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value
  for (const seg of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<PropertyKey, unknown>)[seg]
  }
  return current
}
