/**
 * Raw `/object_info` (checked by schema.ts) to the {@link NodeDef} model.
 * @module
 */
import { NotObjectInfoError, ObjectInfoError } from '../errors.js'
import { isFileBackedCombo } from './file-combos.js'
import type {
  ComboOption,
  DefSet,
  HiddenInputDef,
  InputDef,
  InputDefBase,
  NodeDef,
  OutputDef,
} from './model.js'
import { issueToError } from './issue-error.js'
import { hasWidget, splitTypes } from './widgets.js'
import {
  canonicalOptions,
  checkComboOption,
  checkInputSpec,
  checkNodeInfo,
  recordKeys,
  type RawInputOptions,
  type RawInputSpec,
  type RawNodeInfo,
} from './schema.js'

export { hasWidget, splitTypes }

export interface NormalizeOptions {
  /** `throw` (default): the first malformed class throws. `skip`: malformed classes are left out and reported. */
  readonly onError?: 'throw' | 'skip'
  readonly comfyuiVersion?: string
  readonly sha256?: string
  /** The file the definitions came from, named in errors. */
  readonly file?: string
}

export interface NormalizeResult {
  readonly defs: DefSet
  /** Classes left out with `onError: 'skip'`. */
  readonly problems: readonly ObjectInfoError[]
}

/** Normalizes a whole `/object_info` object. */
export function normalizeObjectInfo(raw: unknown, options: NormalizeOptions = {}): NormalizeResult {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new NotObjectInfoError(`expected an object mapping class types to definitions, received ${describeKind(raw)}`, fileOf(options))
  }
  const entries = Object.values(raw as Record<string, unknown>)
  // A workflow or a prompt given by mistake would otherwise come out as hundreds of "malformed classes":
  if (entries.length > 0 && !entries.some(looksLikeNodeInfo)) {
    throw new NotObjectInfoError(`no entry is a node definition {input, output, ...}${guessWhatItIs(raw as Record<string, unknown>)}`, fileOf(options))
  }
  const classes = new Map<string, NodeDef>()
  const problems: ObjectInfoError[] = []
  const infoFields = new Set<string>()
  for (const [classType, info] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof info === 'object' && info !== null) for (const key of Object.keys(info)) infoFields.add(key)
    try {
      classes.set(classType, normalizeNodeDef(classType, info))
    } catch (error) {
      if (options.onError !== 'skip' || !(error instanceof ObjectInfoError)) throw error
      problems.push(error)
    }
  }
  const defs: DefSet = {
    classes,
    infoFields,
    ...(options.comfyuiVersion === undefined ? {} : { comfyuiVersion: options.comfyuiVersion }),
    ...(options.sha256 === undefined ? {} : { sha256: options.sha256 }),
  }
  return { defs, problems }
}

function fileOf(options: NormalizeOptions): { file?: string } {
  return options.file === undefined ? {} : { file: options.file }
}

function looksLikeNodeInfo(value: unknown): boolean {
  return isRecord(value) && 'input' in value && 'output' in value
}

function describeKind(value: unknown): string {
  return Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`
}

function guessWhatItIs(raw: Record<string, unknown>): string {
  if (Array.isArray(raw['nodes'])) return ' (it looks like a UI workflow)'
  if (isRecord(raw['prompt']) || Object.values(raw).some((v) => isRecord(v) && 'class_type' in v)) return ' (it looks like an API prompt)'
  return ''
}

/** Normalizes one class definition; throws {@link ObjectInfoError} naming the class, input and field. */
export function normalizeNodeDef(classType: string, info: unknown): NodeDef {
  const issue = checkNodeInfo(info)
  if (issue !== undefined) throw issueToError(classType, issue, info, ['$'])
  const node = info as RawNodeInfo
  const inputs: InputDef[] = []
  for (const group of ['required', 'optional'] as const) {
    const specs = node.input[group] ?? {}
    for (const name of orderedNames(specs, node.input_order?.[group])) {
      inputs.push(normalizeInput(classType, name, group === 'required', specs[name] as RawInputSpec, [group, name]))
    }
  }
  const hidden: HiddenInputDef[] = []
  const hiddenSpecs = node.input.hidden ?? {}
  for (const name of recordKeys(hiddenSpecs)) {
    const spec = hiddenSpecs[name] as string | unknown[]
    const type = typeof spec === 'string' ? spec : spec[0]
    if (typeof type !== 'string') {
      throw new ObjectInfoError(classType, name, 'input.hidden', 'a type name or [type name]', spec)
    }
    hidden.push({ name, type })
  }
  return {
    classType,
    displayName: node.display_name ?? node.name ?? classType,
    description: node.description ?? '',
    category: node.category ?? '',
    pythonModule: node.python_module ?? '',
    outputNode: node.output_node === true,
    deprecated: node.deprecated === true,
    experimental: node.experimental === true,
    devOnly: node.dev_only === true,
    apiNode: node.api_node === true,
    isInputList: node.is_input_list === true,
    inputs,
    hidden,
    outputs: normalizeOutputs(node),
    searchAliases: node.search_aliases ?? [],
    v3Schema: node.output_matchtypes !== undefined,
  }
}

function orderedNames(specs: Readonly<Record<string, unknown>>, order: readonly string[] | null | undefined): string[] {
  const keys = recordKeys(specs)
  if (!order) return keys
  const seen = new Set<string>()
  const names: string[] = []
  for (const name of order) {
    if (name !== '__proto__' && Object.hasOwn(specs, name) && !seen.has(name)) {
      seen.add(name)
      names.push(name)
    }
  }
  for (const name of keys) if (!seen.has(name)) names.push(name)
  return names
}

function normalizeOutputs(node: RawNodeInfo): OutputDef[] {
  return node.output.map((rawType, index): OutputDef => {
    const isCombo = Array.isArray(rawType)
    const type = isCombo ? 'COMBO' : rawType
    const tooltip = node.output_tooltips?.[index]
    const matchType = node.output_matchtypes?.[index]
    return {
      index,
      type,
      types: splitTypes(type),
      ...(isCombo ? { comboOptions: rawType } : {}),
      name: node.output_name?.[index] ?? type,
      isList: node.output_is_list?.[index] === true,
      ...(typeof tooltip === 'string' ? { tooltip } : {}),
      ...(typeof matchType === 'string' ? { matchType } : {}),
    }
  })
}

type Path = readonly (string | number)[]

function normalizeInput(classType: string, name: string, required: boolean, spec: RawInputSpec, path: Path): InputDef {
  const rawType = spec[0]
  const config = canonicalOptions(spec[1] as RawInputOptions | undefined)
  const base = baseInput(name, required, rawType, config)
  const fail = (field: string, expected: string, received: unknown): never => {
    throw new ObjectInfoError(classType, name, field, expected, received, { path: [...path, 1, field] })
  }
  // The common kinds complete `base` in place (its `kind` is set where it stands, the other fields follow: the same
  // key order a copy `{ ...base, kind, ... }` has, without copying ~5,000 inputs):
  const input = base as unknown as Record<string, unknown>
  if (Array.isArray(rawType)) return completeCombo(input, rawType, true, false, config, name)
  switch (rawType) {
    case 'INT':
    case 'FLOAT': {
      input['kind'] = rawType
      const { min, max, step, round } = config
      if (typeof min === 'number' || typeof min === 'bigint') input['min'] = min
      if (typeof max === 'number' || typeof max === 'bigint') input['max'] = max
      if (typeof step === 'number') input['step'] = step
      if (typeof round === 'number' || round === false) input['round'] = round
      input['controlAfterGenerate'] = isSet(config['control_after_generate'])
      return base as InputDef
    }
    case 'STRING':
      input['kind'] = 'STRING'
      input['multiline'] = config['multiline'] === true
      input['dynamicPrompts'] = config['dynamicPrompts'] === true
      return base as InputDef
    case 'BOOLEAN':
      input['kind'] = 'BOOLEAN'
      return base as InputDef
    case 'COMBO': {
      const list = config['options']
      const options: ComboOption[] = []
      if (list !== undefined) {
        if (!Array.isArray(list)) return fail('options', 'a list of options', list)
        for (const option of list) {
          if (checkComboOption(option) !== undefined) fail('options', 'strings, numbers or booleans', option)
          options.push(option as ComboOption)
        }
      }
      return completeCombo(input, options, false, list === undefined, config, name)
    }
    case 'COMFY_AUTOGROW_V3':
      return normalizeAutogrow(classType, base, config, path, fail)
    case 'COMFY_DYNAMICCOMBO_V3': {
      const list = config['options']
      if (!Array.isArray(list)) return fail('options', 'a list of {key, inputs}', list)
      const choices = list.map((choice: unknown, i) => {
        if (!isRecord(choice) || typeof choice['key'] !== 'string') {
          return fail(`options[${i}]`, 'an object with a string "key"', choice)
        }
        const inputs = normalizeGroups(classType, choice['inputs'], [...path, 1, 'options', i, 'inputs'], name)
        return { key: choice['key'], inputs }
      })
      return { ...base, kind: 'DYNAMIC_COMBO', choices }
    }
    case 'COMFY_DYNAMICSLOT_V3': {
      const slotType = config['slotType']
      if (typeof slotType !== 'string') return fail('slotType', 'a type name', slotType)
      const inputs = normalizeGroups(classType, config['inputs'], [...path, 1, 'inputs'], name)
      return { ...base, kind: 'DYNAMIC_SLOT', slotType, types: splitTypes(slotType), inputs }
    }
    case 'COMFY_MATCHTYPE_V3': {
      const template = config['template']
      if (!isRecord(template) || typeof template['template_id'] !== 'string') {
        return fail('template', 'an object with a string "template_id"', template)
      }
      const allowed = template['allowed_types']
      if (allowed !== undefined && allowed !== null && typeof allowed !== 'string') {
        return fail('template.allowed_types', 'a comma-separated type string', allowed)
      }
      return {
        ...base,
        kind: 'MATCHTYPE',
        templateId: template['template_id'],
        allowedTypes: typeof allowed === 'string' && allowed.trim() !== '' ? splitTypes(allowed) : null,
      }
    }
    default:
      return { ...base, kind: 'LINK' }
  }
}

function normalizeAutogrow(
  classType: string,
  base: InputDefBase,
  config: Record<string, unknown>,
  path: Path,
  fail: (field: string, expected: string, received: unknown) => never,
): InputDef {
  const template = config['template']
  if (!isRecord(template)) return fail('template', 'an object {input, prefix | names, min, max}', template)
  const groups = normalizeGroups(classType, template['input'], [...path, 1, 'template', 'input'], base.name)
  const inner = groups[0]
  if (inner === undefined || groups.length !== 1) {
    return fail('template.input', 'exactly one template input', template['input'])
  }
  const min = template['min'] ?? 0
  if (typeof min !== 'number') return fail('template.min', 'a number', min)
  const max = template['max']
  if (max !== undefined && typeof max !== 'number') return fail('template.max', 'a number', max)
  let names: string[]
  let prefix: string | undefined
  if (Array.isArray(template['names'])) {
    names = template['names'].map((n, i) => (typeof n === 'string' ? n : fail(`template.names[${i}]`, 'a string', n)))
  } else {
    const p = template['prefix']
    if (typeof p !== 'string') return fail('template.prefix', 'a string (or a "names" list)', p)
    if (max === undefined) return fail('template.max', 'a number for the prefix form', max)
    prefix = p
    names = Array.from({ length: max }, (_, i) => `${p}${i}`)
  }
  return {
    ...base,
    kind: 'AUTOGROW',
    template: inner,
    names,
    ...(prefix === undefined ? {} : { prefix }),
    min,
    ...(max === undefined ? {} : { max }),
  }
}

/** Normalizes a nested `{required?, optional?}` group (V3 dynamic sub-inputs). */
function normalizeGroups(classType: string, groups: unknown, path: Path, owner: string): InputDef[] {
  if (groups === undefined || groups === null) return []
  if (!isRecord(groups)) {
    throw new ObjectInfoError(classType, owner, path.slice(2).join('.'), 'an object {required?, optional?}', groups, {
      path,
    })
  }
  const inputs: InputDef[] = []
  for (const group of ['required', 'optional'] as const) {
    const specs = groups[group]
    if (specs === undefined || specs === null) continue
    if (!isRecord(specs)) {
      throw new ObjectInfoError(classType, owner, `${path.slice(2).join('.')}.${group}`, 'an object', specs, { path })
    }
    for (const [name, spec] of Object.entries(specs)) {
      const issue = checkInputSpec(spec)
      if (issue !== undefined) throw issueToError(classType, issue, spec, [...path, group, name], `${owner}.${name}`)
      inputs.push(normalizeInput(classType, name, group === 'required', spec as RawInputSpec, [...path, group, name]))
    }
  }
  return inputs
}

function baseInput(name: string, required: boolean, rawType: unknown, config: Record<string, unknown>): InputDefBase {
  const type = Array.isArray(rawType) ? 'COMBO' : String(rawType)
  const tooltip = config['tooltip']
  const displayName = config['display_name']
  const base: Record<string, unknown> = { name, required, kind: 'LINK', type, types: splitTypes(type), spec: [rawType, config], config }
  if (typeof tooltip === 'string') base['tooltip'] = tooltip
  if (typeof displayName === 'string') base['displayName'] = displayName
  if (Object.hasOwn(config, 'default')) base['default'] = config['default']
  base['forceInput'] = config['forceInput'] === true || config['defaultInput'] === true
  base['lazy'] = config['lazy'] === true
  base['rawLink'] = config['rawLink'] === true
  base['advanced'] = config['advanced'] === true
  return base as unknown as InputDefBase
}

function isSet(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value !== '')
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Completes a combo input in place (V1: the options list is the type; V3: `COMBO` with `options` in the config). */
function completeCombo(
  input: Record<string, unknown>,
  options: readonly ComboOption[],
  v1Combo: boolean,
  optionsMissing: boolean,
  config: Record<string, unknown>,
  name: string,
): InputDef {
  input['kind'] = 'COMBO'
  input['options'] = options
  input['v1Combo'] = v1Combo
  input['fileBacked'] = isFileBackedCombo(options, config, name)
  input['multiselect'] = config['multiselect'] === true
  input['controlAfterGenerate'] = isSet(config['control_after_generate'])
  input['optionsMissing'] = optionsMissing
  return input as unknown as InputDef
}
