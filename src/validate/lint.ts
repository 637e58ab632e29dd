/**
 * Findings the server does not make but that usually point at a mistake: nodes no output reaches, inputs the
 * class does not declare, values the server silently converts, step mismatches, deprecated nodes, and file
 * checks that could only be approximated offline. Warnings never change the verdict.
 * @module
 */
import type { DefSet, NodeDef } from '../defs/model.js'
import type { IssuePath } from '../errors.js'
import { nodeKey, type LiteralSeen, type NodeValidator } from './engine.js'
import { finalizedInputs } from './expand-inputs.js'
import { pyKind, pyRepr } from './python.js'
import type { LintType, LintWarning } from './types.js'

interface PromptNode {
  readonly id: string
  readonly classType: string
  readonly def: NodeDef
  readonly inputs: Record<string, unknown>
  /** Input names the class declares for these values; undefined when the server could not expand them. */
  readonly declared: ReadonlySet<string> | undefined
}

/** Runs after validation; `engine` holds what the validation saw. */
export function collectWarnings(
  prompt: unknown,
  defs: DefSet,
  engine: NodeValidator,
): LintWarning[] {
  const warnings: LintWarning[] = []
  const nodes = promptNodes(prompt, defs)
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const warn = (type: LintType, message: string, node: PromptNode | undefined, inputName?: string): void => {
    const path: IssuePath = node === undefined ? [] : inputName === undefined ? [node.id] : [node.id, 'inputs', inputName]
    warnings.push({
      severity: 'warning',
      type,
      message,
      path,
      ...(node === undefined ? {} : { nodeId: node.id, classType: node.classType }),
      ...(inputName === undefined ? {} : { inputName }),
    })
  }

  const outputs = nodes.filter((n) => n.def.outputNode && engine.memo.has(nodeKey(n.id)))
  // Nodes the server validated are reached for sure; the walks are needed only when some node was not:
  const allValidated = nodes.every((n) => engine.memo.has(n.id))
  const validatedReach = allValidated ? undefined : reach(outputs, byId, true)
  const executedReach = allValidated ? undefined : reach(outputs, byId, false)
  for (const node of nodes) {
    if (node.def.deprecated && engine.memo.has(node.id)) warn('deprecated_node', `${node.classType} is deprecated`, node)
    if (node.def.experimental && engine.memo.has(node.id)) {
      warn('experimental_node', `${node.classType} is experimental and may change`, node)
    }
    if (validatedReach !== undefined && !validatedReach.has(node.id)) {
      const message = executedReach?.has(node.id)
        ? 'runs (it is linked through an undeclared input) but the server never validates it'
        : 'no output node reaches it: the server neither validates nor runs it'
      warn('unreachable_node', message, node)
    }
    unknownInputs(node, warn)
  }
  for (const literal of engine.literals) lintLiteral(literal, byId.get(literal.nodeKey), warn)
  for (const assumption of engine.fileAssumptions) {
    const node = byId.get(assumption.nodeKey)
    const verdict = assumption.exists ? 'counts as present' : 'counts as missing'
    warn(
      'file_not_verified',
      `${pyRepr(assumption.value)} ${verdict} without checking the server's disk: only the file list in /object_info is known offline`,
      node,
      assumption.inputName,
    )
  }
  for (const cycle of engine.cycles) {
    const first = cycle[0] as string
    // Since v0.20 the server reports cycles itself; before, it rejects without saying why:
    if (engine.memo.get(first)?.errors.some((e) => e.type === 'dependency_cycle') === true) continue
    const path = [...cycle, first].join(' -> ')
    warn('dependency_cycle', `links form a cycle (${path}); outputs that depend on it fail without a reported error`, byId.get(first))
  }
  return warnings
}

function promptNodes(prompt: unknown, defs: DefSet): PromptNode[] {
  if (pyKind(prompt) !== 'dict') return []
  const nodes: PromptNode[] = []
  for (const [id, node] of Object.entries(prompt as Record<string, unknown>)) {
    if (pyKind(node) !== 'dict') continue
    const classType = (node as Record<string, unknown>)['class_type']
    const inputs = (node as Record<string, unknown>)['inputs']
    const def = typeof classType === 'string' ? defs.classes.get(classType) : undefined
    if (def === undefined) continue
    const values = pyKind(inputs) === 'dict' ? (inputs as Record<string, unknown>) : {}
    nodes.push({ id, classType: classType as string, def, inputs: values, declared: declaredNames(def, values) })
  }
  return nodes
}

const staticNames = new WeakMap<object, ReadonlySet<string>>()

function declaredNames(def: NodeDef, inputs: Record<string, unknown>): ReadonlySet<string> | undefined {
  try {
    const finalized = finalizedInputs(def, inputs).inputs
    // Classes without dynamic inputs return the same list every time, so its set can be kept:
    let names = staticNames.get(finalized)
    if (names === undefined) {
      names = new Set(finalized.map((i) => i.name))
      staticNames.set(finalized, names)
    }
    return names
  } catch {
    return undefined
  }
}

/** Node ids reached from `roots` through links; `declaredOnly` follows only inputs the class declares. */
function reach(roots: readonly PromptNode[], byId: ReadonlyMap<string, PromptNode>, declaredOnly: boolean): Set<string> {
  const seen = new Set<string>()
  const stack = roots.map((r) => r.id)
  while (stack.length > 0) {
    const id = stack.pop() as string
    if (seen.has(id)) continue
    seen.add(id)
    const node = byId.get(id)
    if (node === undefined) continue
    const declared = declaredOnly ? node.declared : undefined
    for (const [name, value] of Object.entries(node.inputs)) {
      if (declared !== undefined && !declared.has(name)) continue
      if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && byId.has(value[0])) {
        stack.push(value[0])
      }
    }
  }
  return seen
}

type Warn = (type: LintType, message: string, node: PromptNode | undefined, inputName?: string) => void

function unknownInputs(node: PromptNode, warn: Warn): void {
  const declared = node.declared
  if (declared === undefined) return
  const hidden = new Set(node.def.hidden.map((h) => h.name))
  for (const [name, value] of Object.entries(node.inputs)) {
    if (declared.has(name)) continue
    if (hidden.has(name)) {
      warn('hidden_input_given', `'${name}' is a hidden input the server fills itself; the value is ignored`, node, name)
    } else if (Array.isArray(value)) {
      warn('unknown_input', `${node.classType} has no input '${name}'; the linked node still runs but is not validated`, node, name)
    } else {
      warn('unknown_input', `${node.classType} has no input '${name}'; the server ignores it`, node, name)
    }
  }
}

function lintLiteral(literal: LiteralSeen, node: PromptNode | undefined, warn: Warn): void {
  const { input, raw, value } = literal
  const name = input.name
  const unwrapped = pyKind(raw) === 'dict' && Object.hasOwn(raw as object, '__value__') ? (raw as Record<string, unknown>)['__value__'] : raw
  const rawKind = pyKind(unwrapped)
  switch (input.inputType) {
    case 'INT':
      if (rawKind !== 'int') {
        warn('value_coerced', `${pyRepr(unwrapped)} is not an integer; the server uses int() of it: ${pyRepr(value)}`, node, name)
      }
      break
    case 'FLOAT':
      if (rawKind !== 'int' && rawKind !== 'float') {
        warn('value_coerced', `${pyRepr(unwrapped)} is not a number; the server uses float() of it: ${pyRepr(value, true)}`, node, name)
      }
      break
    case 'BOOLEAN':
      if (rawKind !== 'bool') {
        warn('value_coerced', `${pyRepr(unwrapped)} is not a boolean; the server uses its truthiness: ${pyRepr(value)}`, node, name)
      }
      break
    case 'STRING':
      if (rawKind !== 'str') {
        warn('value_coerced', `${pyRepr(unwrapped)} is not a string; the server uses str() of it: ${pyRepr(value)}`, node, name)
      }
      break
    default:
      break
  }
  const step = input.extra['step']
  if (input.inputType === 'INT' && typeof value === 'bigint' && typeof step === 'number' && Number.isInteger(step) && step > 1) {
    const min = input.extra['min']
    const base = typeof min === 'bigint' ? min : typeof min === 'number' && Number.isInteger(min) ? BigInt(min) : 0n
    if ((value - base) % BigInt(step) !== 0n) {
      warn('step_mismatch', `${value} is not on the step grid (${base} + k*${step}); the server accepts it as is`, node, name)
    }
  }
}
