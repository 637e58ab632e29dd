/**
 * The inputs the server checks for one node: `required ∪ optional` of its definition, with V3 dynamic inputs
 * (Autogrow, DynamicCombo, DynamicSlot) expanded against the node's live input values the way
 * `comfy_api/latest/_io.py::get_finalized_class_inputs` does it.
 * @module
 */
import type { InputDef, NodeDef } from '../defs/model.js'
import { pyContains, pyEquals, pyGetItem } from './python.js'

/** One input as `validate_inputs` sees it after expansion. */
export interface CheckedInput {
  /** The key in the prompt's `inputs` (`"values.a"` for dynamic entries). */
  readonly name: string
  readonly required: boolean
  /** The server's `input_type`: the spec's first element (a type string, or a V1 combo's option list). */
  readonly inputType: unknown
  /** The spec's options (`extra_info`). */
  readonly extra: Readonly<Record<string, unknown>>
  /** `[input_type, extra_info]`, sent as `input_config` in errors. */
  readonly config: readonly [unknown, Readonly<Record<string, unknown>>]
  readonly def: InputDef
}

export interface FinalizedInputs {
  readonly inputs: readonly CheckedInput[]
  /**
   * True when the expansion produced V3 data (dynamic paths): the server then reports a missing input by the
   * last dotted segment of its name.
   */
  readonly hasV3Data: boolean
}

const staticInputs = new WeakMap<NodeDef, FinalizedInputs>()
const dynamicClasses = new WeakMap<NodeDef, boolean>()

function isDynamic(input: InputDef): boolean {
  return input.kind === 'AUTOGROW' || input.kind === 'DYNAMIC_COMBO' || input.kind === 'DYNAMIC_SLOT'
}

function hasDynamicInputs(def: NodeDef): boolean {
  let result = dynamicClasses.get(def)
  if (result === undefined) {
    result = def.inputs.some(isDynamic)
    dynamicClasses.set(def, result)
  }
  return result
}

function checked(name: string, required: boolean, def: InputDef): CheckedInput {
  // A DynamicSlot's spec type is the marker COMFY_DYNAMICSLOT_V3; links into it are checked against its slot type.
  const inputType = def.kind === 'DYNAMIC_SLOT' ? def.slotType : def.spec[0]
  return { name, required, inputType, extra: def.config, config: [inputType, def.config], def }
}

/**
 * The inputs to check for a node of class `def` whose prompt `inputs` value is `live`.
 * Throws PyError where the server's expansion raises (a dynamic node whose `inputs` is not a dict or list).
 */
export function finalizedInputs(def: NodeDef, live: unknown): FinalizedInputs {
  if (!hasDynamicInputs(def)) {
    let cached = staticInputs.get(def)
    if (cached === undefined) {
      cached = { inputs: def.inputs.map((input) => checked(input.name, input.required, input)), hasV3Data: false }
      staticInputs.set(def, cached)
    }
    return cached
  }
  const out = new Expansion(live)
  out.parse(def.inputs, [])
  return out.result()
}

class Expansion {
  private readonly required = new Map<string, CheckedInput>()
  private readonly optional = new Map<string, CheckedInput>()
  private v3Data = false

  constructor(private readonly live: unknown) {}

  parse(inputs: readonly InputDef[], prefix: readonly string[]): void {
    for (const input of inputs) {
      if (isDynamic(input)) {
        this.expand(input, [...prefix, input.name])
        continue
      }
      const id = join(prefix, input.name)
      this.add(id, input.required, input)
      if (prefix.length > 0) this.v3Data = true
    }
  }

  private add(id: string, required: boolean, def: InputDef): void {
    ;(required ? this.required : this.optional).set(id, checked(id, required, def))
  }

  private expand(input: InputDef, prefix: readonly string[]): void {
    const id = prefix.join('.')
    switch (input.kind) {
      case 'AUTOGROW': {
        // The group of the Autogrow itself does not matter; the template's group and `min` decide:
        input.names.forEach((name, i) => {
          const entryId = join(prefix, name)
          this.add(entryId, i < input.min && input.template.required, input.template)
          pyContains(this.live, entryId)
        })
        this.v3Data = true
        return
      }
      case 'DYNAMIC_COMBO': {
        if (!pyContains(this.live, id)) return
        const key = pyGetItem(this.live, id)
        const choice = input.choices.find((option) => pyEquals(option.key, key))
        // An unknown key drops the input entirely, so the server checks nothing for it:
        if (choice === undefined) return
        this.parse(choice.inputs, prefix)
        this.add(id, input.required, input)
        this.v3Data = true
        return
      }
      case 'DYNAMIC_SLOT': {
        if (!pyContains(this.live, id)) return
        this.parse(input.inputs, prefix)
        this.add(id, input.required, input)
        this.v3Data = true
        return
      }
      default:
        return
    }
  }

  result(): FinalizedInputs {
    const inputs = [...this.required.values()]
    for (const [id, input] of this.optional) if (!this.required.has(id)) inputs.push(input)
    return { inputs, hasV3Data: this.v3Data }
  }
}

function join(prefix: readonly string[], name: string): string {
  return prefix.length === 0 ? name : `${prefix.join('.')}.${name}`
}
