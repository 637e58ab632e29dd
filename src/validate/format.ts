/**
 * Human-readable verdicts: one line per issue naming file, node, class, input and the problem.
 * @module
 */
import type { Issue, LintWarning, Verdict } from './types.js'

export interface FormatOptions {
  /** File the prompt came from, printed first on every line. */
  readonly file?: string
  /** Include lint warnings (default true). */
  readonly warnings?: boolean
}

/** `file: node 3 (KSampler), input "seed": Value -1 smaller than min of 0 [value_smaller_than_min]` */
export function formatIssue(issue: Issue | LintWarning, options: FormatOptions = {}): string {
  const where: string[] = []
  if (issue.nodeId !== undefined) {
    where.push(`node ${JSON.stringify(issue.nodeId)}${issue.classType === undefined ? '' : ` (${issue.classType})`}`)
  }
  if (issue.inputName !== undefined) where.push(`input ${JSON.stringify(issue.inputName)}`)
  const location = where.length > 0 ? where.join(', ') : 'prompt'
  const prefix = options.file === undefined ? '' : `${options.file}: `
  const label = issue.severity === 'warning' ? 'warning: ' : ''
  const text = issue.severity === 'error' ? describeError(issue) : issue.message
  return `${prefix}${label}${location}: ${text} [${issue.type}]`
}

function describeError(issue: Issue): string {
  const { message, details, type } = issue
  if (details === '' || details === message) return message
  // These details only repeat the input name, which the location already gives:
  if (type === 'required_input_missing' || type === 'value_smaller_than_min' || type === 'value_bigger_than_max') {
    return message
  }
  if (type === 'bad_linked_input') return message
  return `${message}: ${details}`
}

/** A summary line followed by one line per issue (and warning). */
export function formatVerdict(verdict: Verdict, options: FormatOptions = {}): string {
  const prefix = options.file === undefined ? '' : `${options.file}: `
  const lines: string[] = []
  if (verdict.accepted) {
    const ids = (list: readonly string[]): string => list.map((o) => JSON.stringify(o)).join(', ')
    const dropped = verdict.droppedOutputs.length > 0 ? `; dropped ${ids(verdict.droppedOutputs)}` : ''
    lines.push(`${prefix}accepted, outputs ${ids(verdict.outputs)}${dropped}`)
  } else {
    lines.push(`${prefix}rejected (HTTP ${verdict.status})`)
  }
  for (const issue of verdict.issues) {
    if (issue.type === 'prompt_outputs_failed_validation' && verdict.issues.length > 1) continue
    lines.push(`  ${formatIssue(issue, options)}`)
  }
  if (options.warnings !== false) for (const warning of verdict.warnings) lines.push(`  ${formatIssue(warning, options)}`)
  return lines.join('\n')
}
