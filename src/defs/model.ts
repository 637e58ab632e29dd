/**
 * The one node-definition model. `/object_info` is parsed once into these types, and codegen, validation,
 * import, conversion and the CLI read nothing else.
 * @module
 */

/** A combo option as the server lists it (usually a string; some custom nodes use numbers or booleans). */
export type ComboOption = string | number | boolean

/** How an input is entered: a widget value, a link, or a V3 dynamic construct. */
export type InputKind =
  | 'INT'
  | 'FLOAT'
  | 'STRING'
  | 'BOOLEAN'
  | 'COMBO'
  /** A socket only: takes a link (or, as the server allows, any literal). */
  | 'LINK'
  | 'AUTOGROW'
  | 'DYNAMIC_COMBO'
  | 'DYNAMIC_SLOT'
  | 'MATCHTYPE'

export interface InputDefBase {
  /** Key in the prompt's `inputs` (may contain dots: `input_blocks.0.`). */
  readonly name: string
  readonly required: boolean
  readonly kind: InputKind
  /**
   * The declared type as the server compares it: `"MODEL"`, `"INT"`, `"IMAGE,MASK"`, `"*"`, `"COMBO"`;
   * for a V1 combo (option list as type) this is `"COMBO"` and `v1Combo` is true.
   */
  readonly type: string
  /** Members of a comma union, trimmed (`["IMAGE", "MASK"]`); one entry otherwise. */
  readonly types: readonly string[]
  /** The raw spec `[type, options]` exactly as the server sent it (used for `input_config` in errors). */
  readonly spec: readonly [unknown, Record<string, unknown>]
  /** The spec's options object, the server's `extra_info` (`{}` when absent). */
  readonly config: Readonly<Record<string, unknown>>
  readonly tooltip?: string
  readonly displayName?: string
  readonly default?: unknown
  /** Socket only in the UI: no widget value even for a primitive type. */
  readonly forceInput: boolean
  readonly lazy: boolean
  readonly rawLink: boolean
  readonly advanced: boolean
}

export interface NumberInputDef extends InputDefBase {
  readonly kind: 'INT' | 'FLOAT'
  readonly min?: number | bigint
  readonly max?: number | bigint
  readonly step?: number
  readonly round?: number | false
  /** The UI adds a "control after generate" widget after this one (seed-like inputs). */
  readonly controlAfterGenerate: boolean
}

export interface StringInputDef extends InputDefBase {
  readonly kind: 'STRING'
  readonly multiline: boolean
  readonly dynamicPrompts: boolean
}

export interface BooleanInputDef extends InputDefBase {
  readonly kind: 'BOOLEAN'
}

export interface ComboInputDef extends InputDefBase {
  readonly kind: 'COMBO'
  readonly options: readonly ComboOption[]
  /** `[[...], {...}]` form: the server's input type is the list itself. */
  readonly v1Combo: boolean
  /** A list of files on the server (checkpoints, LoRAs, input images): typed as `string`, checked at validation. */
  readonly fileBacked: boolean
  readonly multiselect: boolean
  readonly controlAfterGenerate: boolean
  /** V2 combo without `options` (remote-backed): the server treats it as an empty list. */
  readonly optionsMissing: boolean
}

export interface LinkInputDef extends InputDefBase {
  readonly kind: 'LINK'
}

/** V3 Autogrow: a growing group of inputs keyed `<name>.<prefix><i>` or `<name>.<listed name>`. */
export interface AutogrowInputDef extends InputDefBase {
  readonly kind: 'AUTOGROW'
  /** The template input every entry copies (its `name` is the template's own id). */
  readonly template: InputDef
  /** Entry names: `prefix0..prefix{max-1}` for the prefix form, the listed names for the names form. */
  readonly names: readonly string[]
  readonly prefix?: string
  /** The first `min` entries are required when the template itself is required. */
  readonly min: number
  readonly max?: number
}

/** V3 DynamicCombo: the chosen option's key is the value, its sub-inputs are keyed `<name>.<sub>`. */
export interface DynamicComboInputDef extends InputDefBase {
  readonly kind: 'DYNAMIC_COMBO'
  readonly choices: readonly { readonly key: string; readonly inputs: readonly InputDef[] }[]
}

/** V3 DynamicSlot: a socket whose sub-inputs `<name>.<sub>` exist when it is connected. */
export interface DynamicSlotInputDef extends InputDefBase {
  readonly kind: 'DYNAMIC_SLOT'
  readonly slotType: string
  readonly inputs: readonly InputDef[]
}

/** V3 MatchType: any of `allowedTypes` (all when null); outputs with the same template id take the same type. */
export interface MatchTypeInputDef extends InputDefBase {
  readonly kind: 'MATCHTYPE'
  readonly templateId: string
  readonly allowedTypes: readonly string[] | null
}

export type InputDef =
  | NumberInputDef
  | StringInputDef
  | BooleanInputDef
  | ComboInputDef
  | LinkInputDef
  | AutogrowInputDef
  | DynamicComboInputDef
  | DynamicSlotInputDef
  | MatchTypeInputDef

/** A hidden input (`PROMPT`, `UNIQUE_ID`...): filled by the server, never sent by clients. */
export interface HiddenInputDef {
  readonly name: string
  readonly type: string
}

export interface OutputDef {
  readonly index: number
  /** Declared type (`"MODEL"`, `"*"`, `"COMFY_MATCHTYPE_V3"`); `"COMBO"` for a combo-list output. */
  readonly type: string
  readonly types: readonly string[]
  /** The raw type when the server sent a list (a combo-list output); used for exact link matching. */
  readonly comboOptions?: readonly ComboOption[]
  readonly name: string
  readonly isList: boolean
  readonly tooltip?: string
  /** V3 MatchType template id this output follows. */
  readonly matchType?: string
}

export interface NodeDef {
  readonly classType: string
  readonly displayName: string
  readonly description: string
  readonly category: string
  readonly pythonModule: string
  /** `OUTPUT_NODE`: a root of execution; only what these reach is validated and run. */
  readonly outputNode: boolean
  readonly deprecated: boolean
  readonly experimental: boolean
  readonly devOnly: boolean
  readonly apiNode: boolean
  readonly isInputList: boolean
  /** Required then optional inputs, each group in `input_order`. */
  readonly inputs: readonly InputDef[]
  readonly hidden: readonly HiddenInputDef[]
  readonly outputs: readonly OutputDef[]
  readonly searchAliases: readonly string[]
  /** Defined with the V3 schema (its info carries `output_matchtypes`); unknown for hand-made definitions. */
  readonly v3Schema?: boolean
}

/** Every class of one server (or snapshot), plus what is known about where it came from. */
export interface DefSet {
  readonly classes: ReadonlyMap<string, NodeDef>
  /** ComfyUI version when known (from `/system_stats` or the snapshot's name). */
  readonly comfyuiVersion?: string
  /** sha256 of the object_info text the set was built from, when it came from text. */
  readonly sha256?: string
  /**
   * The node-info keys the object_info used (`is_input_list`, `price_badge`...), when the set was parsed from one:
   * releases add keys, so they tell which server wrote it.
   */
  readonly infoFields?: ReadonlySet<string>
}
