/**
 * `validate(prompt, defs)`: the verdict ComfyUI's `POST /prompt` would give (`execution.validate_prompt`), with
 * the server's error objects, plus locations and lint warnings kept apart from the verdict.
 * @module
 */
import type { DefSet, NodeDef } from '../defs/model.js'
import { asPyError, nodeKey, NodeValidator, pyIterate, type NodeResult } from './engine.js'
import { collectWarnings } from './lint.js'
import { keyOrderOf } from './python-json.js'
import { PyError, pyContains, pyGetItem, pyKind, pyStr } from './python.js'
import * as E from './server-errors.js'
import { chooseServerVersion, type ServerBehaviour } from './server-version.js'
import {
  INTERNAL_SERVER_ERROR_TEXT,
  type Issue,
  type LintWarning,
  type NodeError,
  type ResponseIds,
  type ServerError,
  type ValidateOptions,
  type Verdict,
} from './types.js'
import { JsonDepthError, type IssuePath } from '../errors.js'
import { assertJsonDepth } from '../json/depth.js'
import { findUnsafeInteger, guardExactIntegers } from '../json/lossless.js'

/** Stands for the 500 the server answers when the prompt makes its Python code raise outside validation. */
export const INTERNAL_SERVER_ERROR_TYPE = 'internal_server_error'

interface OutputNode {
  readonly id: unknown
  readonly key: string
}

/**
 * Validates an API-format prompt against node definitions the way the server does. Never throws for any
 * prompt value: malformed prompts get the verdict the server gives them (a 400, or a 500 for those that crash
 * it). Throws InvalidArgumentError only for bad options (an unreadable `serverVersion`).
 */
export function validate(prompt: unknown, defs: DefSet, options: ValidateOptions = {}): Verdict {
  const server = chooseServerVersion(defs, options.serverVersion)
  return { ...judge(prompt, defs, options, server.behaviour), server }
}

function judge(prompt: unknown, defs: DefSet, options: ValidateOptions, behaviour: ServerBehaviour): Omit<Verdict, 'server'> {
  if (prompt === undefined) return rejected(E.noPrompt(), {}, [], [], { withNodeErrors: false })
  // A prompt nested deeper than JSON text may be never reaches validation on the server (its json.loads raises
  // RecursionError: HTTP 500); here it would overflow the stack of the recursive checks. Iterative check first:
  const tooDeep = depthError(prompt)
  if (tooDeep !== undefined) return internalServerError(new PyError('RecursionError', `maximum recursion depth exceeded (${tooDeep.message})`), tooDeep.path)
  let outputs: OutputNode[]
  try {
    const found = findOutputs(prompt, defs, behaviour, options)
    if ('error' in found) return rejected(found.error, {}, [issue(found.error, found.path)], [])
    outputs = found.outputs
  } catch (error) {
    return internalServerError(asPyError(error))
  }
  if (outputs.length === 0) return rejected(E.promptNoOutputs(), {}, [issue(E.promptNoOutputs(), [])], [])

  const engine = new NodeValidator(prompt, defs, behaviour, options)
  const good: string[] = []
  const failed: { output: OutputNode; result: NodeResult }[] = []
  const nodeErrors: Record<string, NodeError> = {}
  const mutable = new Map<string, { errors: readonly ServerError[]; dependent_outputs: string[]; class_type: string }>()
  for (const output of outputs) {
    const result = engine.validateOutput(output.id)
    if (result.valid) {
      good.push(pyStr(output.id))
      continue
    }
    failed.push({ output, result })
    // The server walks its whole memo here; only the failed nodes with reasons can be added, in memo order:
    for (const key of engine.reported) {
      const node = engine.memo.get(key) as NodeResult
      let entry = mutable.get(key)
      if (entry === undefined) {
        entry = { errors: node.errors, dependent_outputs: [], class_type: classTypeOf(prompt, key, engine) }
        mutable.set(key, entry)
        setOwn(nodeErrors, pyStr(engine.idOf(key)), entry)
      }
      entry.dependent_outputs.push(pyStr(output.id))
    }
  }
  const issues = nodeIssues(nodeErrors)
  const warnings = options.lint === false ? [] : collectWarnings(prompt, defs, engine)
  const dropped = failed.map(({ output }) => pyStr(output.id))
  if (good.length === 0) {
    const details = failed
      .flatMap(({ result }) => result.errors.map((e) => `${e.message}: ${e.details}`))
      .join('\n')
    const error = E.promptOutputsFailed(details)
    return rejected(error, nodeErrors, [issue(error, []), ...issues], warnings, { dropped })
  }
  return accepted(good, dropped, nodeErrors, issues, warnings)
}

type FindResult = { outputs: OutputNode[] } | { error: ServerError; path: IssuePath }

/** The first loop of `validate_prompt`: every node needs a known class; output nodes are collected. */
function findOutputs(prompt: unknown, defs: DefSet, behaviour: ServerBehaviour, options: ValidateOptions): FindResult {
  const outputs: OutputNode[] = []
  const seen = new Set<string>()
  const targets = options.partialExecutionTargets
  for (const id of nodeIds(prompt, options)) {
    const node = pyGetItem(prompt, id)
    const path = [typeof id === 'string' ? id : pyStr(id)]
    if (!pyContains(node, 'class_type')) {
      return { error: E.missingClassType(behaviour, id, titleOf(node)), path }
    }
    const classType = pyGetItem(node, 'class_type')
    const kind = pyKind(classType)
    if (kind === 'list' || kind === 'dict') throw new PyError('TypeError', `unhashable type: '${kind}'`)
    const def = typeof classType === 'string' ? defs.classes.get(classType) : undefined
    if (def === undefined) {
      return { error: E.unknownClassType(behaviour, id, classType, titleOf(node)), path: [...path, 'class_type'] }
    }
    if (!def.outputNode) continue
    if (targets !== undefined && targets !== null && !pyContains(targets, id)) continue
    const key = nodeKey(id)
    if (seen.has(key)) continue
    seen.add(key)
    outputs.push({ id, key })
  }
  return { outputs }
}

/** Node ids in the order Python iterates the prompt (JSON order when known). */
function nodeIds(prompt: unknown, options: ValidateOptions): Iterable<unknown> {
  if (pyKind(prompt) !== 'dict') return pyIterate(prompt)
  const order = options.nodeOrder ?? keyOrderOf(prompt as object)
  const keys = Object.keys(prompt as object)
  if (order === undefined) return keys
  const ordered = order.filter((id) => Object.hasOwn(prompt as object, id))
  const listed = new Set(ordered)
  for (const key of keys) if (!listed.has(key)) ordered.push(key)
  return ordered
}

function titleOf(node: unknown): unknown {
  if (pyKind(node) !== 'dict') return undefined
  const meta = (node as Record<string, unknown>)['_meta']
  if (pyKind(meta) !== 'dict' || !Object.hasOwn(meta as object, 'title')) return undefined
  return (meta as Record<string, unknown>)['title']
}

function classTypeOf(prompt: unknown, key: string, engine: NodeValidator): string {
  const node = pyGetItem(prompt, engine.idOf(key))
  return pyGetItem(node, 'class_type') as string
}

function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

function issue(error: ServerError, path: IssuePath, where: Partial<Pick<Issue, 'nodeId' | 'classType' | 'inputName'>> = {}): Issue {
  return { severity: 'error', type: error.type, message: error.message, details: error.details, path, error, ...where }
}

/** One issue per node error; the input is named where the error belongs to an input of that node. */
function nodeIssues(nodeErrors: Readonly<Record<string, NodeError>>): Issue[] {
  const issues: Issue[] = []
  for (const [nodeId, entry] of Object.entries(nodeErrors)) {
    for (const error of entry.errors) {
      const inputName = error.extra_info['input_name']
      // An inner exception is reported on the failing node under the input name of the node that linked to it:
      const ownInput = typeof inputName === 'string' && error.type !== 'exception_during_inner_validation'
      const path = ownInput ? [nodeId, 'inputs', inputName] : [nodeId]
      issues.push(issue(error, path, { nodeId, classType: entry.class_type, ...(ownInput ? { inputName } : {}) }))
    }
  }
  return issues
}

function accepted(
  outputs: readonly string[],
  droppedOutputs: readonly string[],
  nodeErrors: Record<string, NodeError>,
  issues: readonly Issue[],
  warnings: readonly LintWarning[],
): Omit<Verdict, 'server'> {
  return {
    accepted: true,
    status: 200,
    outputs,
    droppedOutputs,
    nodeErrors,
    issues,
    warnings,
    response: (ids: ResponseIds = {}) =>
      jsonSafe({
        prompt_id: ids.promptId ?? globalThis.crypto.randomUUID(),
        number: ids.number ?? 0,
        node_errors: nodeErrors,
      }),
  }
}

function rejected(
  error: ServerError,
  nodeErrors: Record<string, NodeError>,
  issues: readonly Issue[],
  warnings: readonly LintWarning[],
  { withNodeErrors = true, dropped = [] as readonly string[] } = {},
): Omit<Verdict, 'server'> {
  return {
    accepted: false,
    status: 400,
    outputs: [],
    droppedOutputs: dropped,
    error,
    nodeErrors,
    issues: issues.length > 0 ? issues : [issue(error, [])],
    warnings,
    response: () => jsonSafe(withNodeErrors ? { error, node_errors: nodeErrors } : { error }),
  }
}

// A body holding 64-bit integers (seeds in input_config) says on JSON.stringify to use stringifyJson:
function jsonSafe<T extends object>(body: T): T {
  const unsafe = findUnsafeInteger(body)
  return unsafe === undefined ? body : guardExactIntegers(body, 'the response body', unsafe.path, unsafe.value)
}

function depthError(value: unknown): JsonDepthError | undefined {
  try {
    assertJsonDepth(value)
    return undefined
  } catch (error) {
    if (error instanceof JsonDepthError) return error
    throw error
  }
}

function internalServerError(ex: PyError, path: IssuePath = []): Omit<Verdict, 'server'> {
  const error: ServerError = {
    type: INTERNAL_SERVER_ERROR_TYPE,
    message: 'Internal Server Error: the prompt makes the server raise outside validation',
    details: `${ex.type}: ${ex.message}`,
    extra_info: {},
  }
  return {
    accepted: false,
    status: 500,
    outputs: [],
    droppedOutputs: [],
    error,
    nodeErrors: {},
    issues: [issue(error, path)],
    warnings: [],
    response: () => INTERNAL_SERVER_ERROR_TEXT,
  }
}

export type { NodeDef }
