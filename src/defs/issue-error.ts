/**
 * Issues in a node definition ({@link RawIssue}, schema.ts) to {@link ObjectInfoError}s that name the class, the
 * input and the field.
 * @module
 */
import { ObjectInfoError } from '../errors.js'
import type { RawIssue } from './schema.js'

type Path = readonly (string | number)[]

/** Turns an issue into an error that names class, input and field. */
export function issueToError(
  classType: string,
  issue: RawIssue,
  value: unknown,
  basePath: Path,
  inputOverride?: string,
): ObjectInfoError {
  const issuePath = issue.path
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

function describeIssue(issue: RawIssue): string {
  if (!issue.union) return issue.expected[0] ?? 'a valid node definition'
  const expected = new Set(issue.expected)
  if (expected.has('string') && expected.has('array')) return 'a type name or a list of combo options'
  return expected.size > 0 ? [...expected].join(' or ') : 'one of the accepted forms of /object_info'
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value
  for (const seg of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<PropertyKey, unknown>)[seg]
  }
  return current
}
