/**
 * `validate_inputs`, the server's memoized recursive check of one node and everything it links to, run as an
 * iterative DFS (no recursion limit on long chains) that keeps the recursive version's semantics: the order of
 * checks per input, the memo, where an exception surfaces, and how a cycle ends.
 * @module
 */
import type { DefSet, NodeDef } from '../defs/model.js'
import { CUSTOM_VALIDATORS, type CustomValidator } from './custom-validators.js'
import { finalizedInputs, type CheckedInput } from './expand-inputs.js'
import { linkTypeMatches } from './link-types.js'
import {
  PyError,
  pyBool,
  pyCompare,
  pyContains,
  pyFloat,
  pyGetItem,
  pyIn,
  pyInt,
  pyKind,
  pyStr,
  pyTupleItem,
} from './python.js'
import * as E from './server-errors.js'
import type { ServerBehaviour } from './server-version.js'
import type { ServerError, ValidateOptions } from './types.js'

/** `validated[id]` in the server: the node's verdict and its own reasons. */
export interface NodeResult {
  readonly valid: boolean
  readonly errors: readonly ServerError[]
}

/** A literal input value as the server saw it, for lint. */
export interface LiteralSeen {
  readonly nodeKey: string
  readonly input: CheckedInput
  readonly raw: unknown
  readonly value: unknown
}

/** A file existence the verdict had to assume, for lint. */
export interface FileAssumption {
  readonly nodeKey: string
  readonly classType: string
  readonly inputName: string
  readonly value: string
  readonly exists: boolean
}

interface PendingLink {
  readonly input: CheckedInput
  readonly link: unknown
  readonly childKey: string
}

interface Frame {
  readonly id: unknown
  readonly key: string
  readonly classType: string
  readonly def: NodeDef
  readonly inputs: unknown
  /** `inputs` when it is a dict (the usual case): plain lookups then do what Python's would. */
  readonly dictInputs: Record<string, unknown> | undefined
  readonly checks: readonly CheckedInput[]
  readonly hasV3Data: boolean
  readonly validator: CustomValidator | undefined
  /** Values the server writes back into `inputs` (unwrapped, coerced): its custom validators see these. */
  readonly written: Map<string, unknown>
  readonly errors: ServerError[]
  cycleErrors: ServerError[] | undefined
  index: number
  valid: boolean
  pending: PendingLink | undefined
}

/** Memo key of a node id: prompts are dicts with string keys, but a list prompt indexes by integers. */
export function nodeKey(id: unknown): string {
  return typeof id === 'string' ? id : `\u0000${pyKind(id)}:${pyStr(id)}`
}

export class NodeValidator {
  /** Insertion-ordered like the server's `validated` dict, which decides the order of `node_errors`. */
  readonly memo = new Map<string, NodeResult>()
  readonly literals: LiteralSeen[] = []
  readonly fileAssumptions: FileAssumption[] = []
  /** Keys of invalid nodes that have reasons, in memo order: what `node_errors` is built from. */
  readonly reported: string[] = []
  /** Cycles met (node keys in link order); before v0.20 the server reports nothing about them. */
  readonly cycles: (readonly string[])[] = []
  private readonly idByKey = new Map<string, unknown>()
  private readonly onStack = new Map<string, Frame>()
  private readonly promptDict: Record<string, unknown> | undefined
  private readonly stack: Frame[] = []

  constructor(
    private readonly prompt: unknown,
    private readonly defs: DefSet,
    private readonly behaviour: ServerBehaviour,
    private readonly options: ValidateOptions,
  ) {
    this.promptDict = pyKind(prompt) === 'dict' ? (prompt as Record<string, unknown>) : undefined
  }

  /** Validates output `id` as the top-level loop of `validate_prompt` does; the result is in the memo. */
  validateOutput(id: unknown): NodeResult {
    const key = nodeKey(id)
    this.idByKey.set(key, id)
    const known = this.memo.get(key)
    if (known !== undefined) return known
    try {
      this.push(id, key)
    } catch (error) {
      return this.topLevelException(key, error)
    }
    while (this.stack.length > 0) {
      const frame = this.stack[this.stack.length - 1] as Frame
      try {
        const childId = this.step(frame)
        if (childId === undefined) this.finish(frame)
        else {
          try {
            this.push(childId, (frame.pending as PendingLink).childKey)
          } catch (error) {
            this.childRaised(frame, error)
          }
        }
      } catch (error) {
        this.stack.pop()
        this.onStack.delete(frame.key)
        const parent = this.stack[this.stack.length - 1]
        if (parent === undefined) return this.topLevelException(key, error)
        this.childRaised(parent, error)
      }
    }
    return this.memo.get(key) as NodeResult
  }

  /** The prompt's node id behind a memo key. */
  idOf(key: string): unknown {
    return this.idByKey.has(key) ? this.idByKey.get(key) : key
  }

  private topLevelException(key: string, error: unknown): NodeResult {
    const result = { valid: false, errors: [E.validationException(asPyError(error))] }
    this.setResult(key, result)
    return result
  }

  /** Every node is set once, so the failed ones with reasons can be kept in memo order as they come. */
  private setResult(key: string, result: NodeResult): void {
    this.memo.set(key, result)
    if (!result.valid && result.errors.length > 0) this.reported.push(key)
  }

  /** The `except` around the recursive call: the failed node gets the error, under the consumer's input. */
  private childRaised(parent: Frame, error: unknown): void {
    const pending = parent.pending as PendingLink
    parent.pending = undefined
    parent.valid = false
    this.setResult(pending.childKey, {
      valid: false,
      errors: [E.innerValidationException(pending.input.name, pending.input.config, asPyError(error), pending.link)],
    })
  }

  private push(id: unknown, key: string): void {
    const node = pyGetItem(this.prompt, id)
    const inputs = pyGetItem(node, 'inputs')
    const classType = pyGetItem(node, 'class_type') as string
    const def = this.defs.classes.get(classType) as NodeDef
    const { inputs: checks, hasV3Data } = finalizedInputs(def, inputs)
    const frame: Frame = {
      id,
      key,
      classType,
      def,
      inputs,
      dictInputs: pyKind(inputs) === 'dict' ? (inputs as Record<string, unknown>) : undefined,
      checks,
      hasV3Data,
      validator: CUSTOM_VALIDATORS.get(classType),
      written: new Map(),
      errors: [],
      cycleErrors: undefined,
      index: 0,
      valid: true,
      pending: undefined,
    }
    this.stack.push(frame)
    this.onStack.set(key, frame)
  }

  /** Checks inputs until one needs a linked node validated first (its id is returned) or all are done. */
  private step(frame: Frame): unknown {
    if (frame.pending !== undefined) {
      const child = this.memo.get(frame.pending.childKey)
      if (child !== undefined && !child.valid) frame.valid = false
      frame.pending = undefined
    }
    while (frame.index < frame.checks.length) {
      const input = frame.checks[frame.index++] as CheckedInput
      const x = input.name
      const dict = frame.dictInputs
      if (dict !== undefined ? !Object.hasOwn(dict, x) : !pyContains(frame.inputs, x)) {
        if (input.required) frame.errors.push(E.requiredInputMissing(x, frame.hasV3Data ? lastSegment(x) : x))
        continue
      }
      const value = dict !== undefined ? dict[x] : pyGetItem(frame.inputs, x)
      if (Array.isArray(value)) {
        const childId = this.checkLink(frame, input, value)
        if (childId !== undefined) return childId
      } else {
        this.checkLiteral(frame, input, value)
      }
    }
    return undefined
  }

  private checkLink(frame: Frame, input: CheckedInput, link: unknown[]): unknown {
    const x = input.name
    const info = input.config
    if (link.length !== 2) {
      frame.errors.push(E.badLinkedInput(x, info, link))
      return undefined
    }
    const sourceId = link[0]
    const source =
      this.promptDict !== undefined && typeof sourceId === 'string' && Object.hasOwn(this.promptDict, sourceId)
        ? this.promptDict[sourceId]
        : pyGetItem(this.prompt, sourceId)
    const sourceDef = this.defs.classes.get(pyGetItem(source, 'class_type') as string) as NodeDef
    const received = pyTupleItem(returnTypes(sourceDef), link[1], sourceDef.v3Schema === true ? 'list' : 'tuple')
    if (!linkTypeMatches(received, input.inputType)) {
      frame.errors.push(E.returnTypeMismatch(x, info, received, link))
      return undefined
    }
    const childKey = nodeKey(sourceId)
    this.idByKey.set(childKey, sourceId)
    const known = this.memo.get(childKey)
    if (known !== undefined) {
      if (!known.valid) frame.valid = false
      return undefined
    }
    const onStack = this.onStack.get(childKey)
    if (onStack !== undefined) {
      this.closeCycle(frame, onStack)
      return undefined
    }
    frame.pending = { input, link, childKey }
    return sourceId
  }

  /**
   * A link back to a node still being validated. Since v0.20 every node of the cycle gets `dependency_cycle`.
   * Before, the recursion ran into Python's RecursionError; the frames that caught it were all overwritten by
   * the outer frames of the same nodes on the way out, so the cycle's nodes end up invalid without a reason.
   */
  private closeCycle(frame: Frame, start: Frame): void {
    frame.valid = false
    const cycle = this.stack.slice(this.stack.indexOf(start))
    this.cycles.push(cycle.map((f) => f.key))
    if (!this.behaviour.dependencyCycle) return
    const steps = cycle.map((f) => ({ id: pyStr(f.id), classType: f.classType }))
    for (const member of cycle) {
      if (member.cycleErrors !== undefined) continue
      member.cycleErrors = [E.dependencyCycle(pyStr(member.id), steps)]
    }
  }

  private checkLiteral(frame: Frame, input: CheckedInput, raw: unknown): void {
    const x = input.name
    const info = input.config
    let value = raw
    if (pyKind(value) === 'dict' && Object.hasOwn(value as object, '__value__')) {
      value = (value as Record<string, unknown>)['__value__']
      frame.written.set(x, value)
    }
    try {
      switch (input.inputType) {
        case 'INT':
          value = pyInt(value)
          break
        case 'FLOAT':
          value = pyFloat(value)
          break
        case 'STRING':
          value = pyStr(value)
          break
        case 'BOOLEAN':
          value = pyBool(value)
          break
        default:
          break
      }
    } catch (error) {
      frame.errors.push(E.invalidInputType(x, info, value, asPyError(error)))
      return
    }
    frame.written.set(x, value)
    if (this.options.lint !== false) this.literals.push({ nodeKey: frame.key, input, raw, value })
    if (frame.validator?.args.includes(x)) return
    const extra = input.extra
    const asFloat = input.inputType === 'FLOAT'
    if (Object.hasOwn(extra, 'min') && pyCompare(value, '<', extra['min'])) {
      frame.errors.push(E.valueOutOfRange('min', x, info, value, extra['min'], asFloat))
      return
    }
    if (Object.hasOwn(extra, 'max') && pyCompare(value, '>', extra['max'])) {
      frame.errors.push(E.valueOutOfRange('max', x, info, value, extra['max'], asFloat))
      return
    }
    const options = comboOptions(input)
    if (options === undefined) return
    // Model pickers list the files of the server's model folders, which an offline check cannot see:
    if (this.options.files === 'assume-present' && input.def.kind === 'COMBO' && input.def.fileBacked && typeof value === 'string') {
      if (!pyIn(value, options)) {
        this.fileAssumptions.push({ nodeKey: frame.key, classType: frame.classType, inputName: x, value, exists: true })
      }
      return
    }
    const members = extra['multiselect'] === true && Array.isArray(value) ? value : [value]
    if (!members.every((member) => pyIn(member, options))) {
      frame.errors.push(E.valueNotInList(x, info, value, options))
    }
  }

  private finish(frame: Frame): void {
    if (frame.validator !== undefined) this.runCustomValidator(frame, frame.validator)
    const errors = frame.cycleErrors === undefined ? frame.errors : [...frame.errors, ...frame.cycleErrors]
    this.setResult(frame.key, { valid: frame.valid && errors.length === 0, errors })
    this.stack.pop()
    this.onStack.delete(frame.key)
  }

  /** Calls the validator with `get_input_data`'s view of the inputs: written-back literals, links as None. */
  private runCustomValidator(frame: Frame, validator: CustomValidator): void {
    const declared = new Set(frame.checks.map((c) => c.name))
    for (const hidden of frame.def.hidden) declared.add(hidden.name)
    const received = new Map<string, unknown>()
    for (const x of pyIterate(frame.inputs)) {
      const raw = pyGetItem(frame.inputs, x)
      if (typeof x !== 'string' || !validator.args.includes(x)) continue
      const value = frame.written.has(x) ? frame.written.get(x) : raw
      if (isLink(value)) received.set(x, null)
      else if (declared.has(x)) received.set(x, value)
    }
    const missing = validator.args.filter((arg) => !received.has(arg))
    if (missing.length > 0) {
      const names = missing.map((m) => `'${m}'`).join(' and ')
      const count = missing.length === 1 ? '1 required positional argument' : `${missing.length} required positional arguments`
      throw new PyError('TypeError', `${frame.classType}.${validator.method}() missing ${count}: ${names}`)
    }
    const inputDefs = new Map(frame.checks.map((c) => [c.name, c.def]))
    const returned = validator.validate(received, {
      classType: frame.classType,
      files: this.options.files ?? 'listed',
      inputs: inputDefs,
      noteAssumption: (inputName, value, exists) =>
        this.fileAssumptions.push({ nodeKey: frame.key, classType: frame.classType, inputName, value, exists }),
    })
    if (returned === true) return
    for (const x of received.keys()) frame.errors.push(E.customValidationFailed(x, returned))
  }
}

function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1)
}

const returnTypesCache = new WeakMap<NodeDef, readonly unknown[]>()

/** `RETURN_TYPES`: the declared output types, combo-list outputs as their option list. */
function returnTypes(def: NodeDef): readonly unknown[] {
  let types = returnTypesCache.get(def)
  if (types === undefined) {
    types = def.outputs.map((output) => output.comboOptions ?? output.type)
    returnTypesCache.set(def, types)
  }
  return types
}

/** The options a combo input checks against; undefined for inputs that are not combos. */
function comboOptions(input: CheckedInput): readonly unknown[] | undefined {
  if (Array.isArray(input.inputType)) return input.inputType
  if (input.inputType !== 'COMBO') return undefined
  const options = input.extra['options']
  return Array.isArray(options) ? options : []
}

/** `graph_utils.is_link`: `[str, int | float]`. */
function isLink(value: unknown): boolean {
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string') return false
  const kind = pyKind(value[1])
  return kind === 'int' || kind === 'float' || kind === 'bool'
}

/** Python `for x in value`: dict keys, list items, string characters. */
export function pyIterate(value: unknown): Iterable<unknown> {
  const kind = pyKind(value)
  if (kind === 'dict') return Object.keys(value as object)
  if (kind === 'list') return value as unknown[]
  if (kind === 'str') return value as string
  throw new PyError('TypeError', `'${kind}' object is not iterable`)
}

/** Anything thrown while emulating the server is a Python exception from the prompt's point of view. */
export function asPyError(error: unknown): PyError {
  if (error instanceof PyError) return error
  throw error
}
