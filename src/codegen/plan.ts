/**
 * Stage 2 of codegen: the NodeDef model to a sorted, named plan (files, identifiers, shared unions).
 * Nothing here prints code; render.ts turns the plan into ts-morph structures.
 * @module
 */
import type { ComboOption, DefSet, InputDef, NodeDef } from '../defs/model.js'
import { outputPropertyNames } from '../dsl/node.js'
import { identifierBase, isIdentifier, packLabel, SymbolCollection, toCamelCase, toPascalCase } from './names.js'
import type { EnumRegistry, MatchTypeParams } from './type-text.js'

/** Names the generated files import from the DSL; generated identifiers must not shadow them. */
export const DSL_VALUE_IMPORTS = ['createNode'] as const
export const DSL_TYPE_IMPORTS = [
  'AnyOutput',
  'BooleanInput',
  'ComboInput',
  'FileInput',
  'FloatInput',
  'IntInput',
  'Link',
  'LiteralValue',
  'NodeHandle',
  'NodeOptions',
  'Output',
  'StringInput',
] as const

export interface ClassPlan {
  readonly def: NodeDef
  readonly functionName: string
  readonly inputsType: string
  readonly nodeType: string
  /** Why the factory's name differs from its class type's camelCase (another class holds that name). */
  readonly nameNote?: string
  /** Output name exposed as a property, by slot (null: reached with `out(i)` only). */
  readonly outputNames: readonly (string | null)[]
  readonly matchTypes: MatchTypeParams
  readonly file: string
}

export interface EnumPlan {
  readonly name: string
  /** The name before numbering (`AspectRatio` of `AspectRatio2`). */
  readonly base: string
  readonly options: readonly ComboOption[]
}

export interface CodegenPlan {
  readonly classes: readonly ClassPlan[]
  readonly enums: readonly EnumPlan[]
  readonly enumRegistry: EnumRegistry
  /** File base names (without extension) in sorted order. */
  readonly files: readonly string[]
}

// Plain code-unit order: the same on every machine and locale.
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Builds the plan: classes sorted by class type, names allocated collision-safely. Core classes name first, so
 * custom nodes never take a core factory's name: a clash gets the pack's label (`checkpointLoaderSimpleWas`),
 * or a number when the classes come from the same place; the factory's JSDoc says why (see {@link ClassPlan.nameNote}).
 */
export function planCodegen(defs: DefSet): CodegenPlan {
  const defsSorted = [...defs.classes.values()].sort((a, b) => compareText(a.classType, b.classType))
  const values = new SymbolCollection(DSL_VALUE_IMPORTS)
  const types = new SymbolCollection(DSL_TYPE_IMPORTS)
  const origins = new Map(defsSorted.map((def) => [def, originOf(def)]))
  const isCore = (def: NodeDef): boolean => !(origins.get(def) as Origin).custom
  const fileOf = planFiles(defsSorted)
  const owners = new Map<string, NodeDef>()
  const named = new Map<NodeDef, ClassNames>()
  const nameClasses = (group: readonly NodeDef[]): void => {
    // Within a group, classes whose type is already an identifier choose first ("FooBar" before "Foo Bar"):
    const ordered = [...group.filter((d) => isIdentifier(d.classType)), ...group.filter((d) => !isIdentifier(d.classType))]
    for (const def of ordered) named.set(def, allocateClassNames(def, origins, values, types, owners))
  }
  const core = defsSorted.filter(isCore)
  const custom = defsSorted.filter((def) => !isCore(def))
  const enums = planEnums(defsSorted, isCore, types, 'core')
  nameClasses(core)
  enums.push(...planEnums(defsSorted, isCore, types, 'custom'))
  nameClasses(custom)
  // One list by base name (core unions first within a name), as the unions file prints them:
  enums.sort((a, b) => compareText(a.base, b.base))
  const classes = defsSorted.map((def): ClassPlan => ({
    def,
    ...(named.get(def) as ClassNames),
    outputNames: outputPropertyNames(def),
    matchTypes: planMatchTypes(def),
    file: fileOf(def),
  }))
  const files = [...new Set(classes.map((c) => c.file))].sort(compareText)
  const byKey = new Map(enums.map((e) => [enumKey(e.options), e.name]))
  return {
    classes,
    enums,
    enumRegistry: { lookup: (options) => byKey.get(enumKey(options)) },
    files,
  }
}

/** Where a class comes from: core ComfyUI, or a custom-node pack (by its `python_module`). */
interface Origin {
  readonly custom: boolean
  /** `Was` for `custom_nodes.was-node-suite-comfyui`; '' for core or an unknown module. */
  readonly label: string
  readonly module: string
}

function originOf(def: NodeDef): Origin {
  const [root, pack] = def.pythonModule.split('.')
  if (root !== 'custom_nodes' || pack === undefined) return { custom: false, label: '', module: def.pythonModule }
  return { custom: true, label: packLabel(pack), module: `custom_nodes.${pack}` }
}

type ClassNames = Pick<ClassPlan, 'functionName' | 'inputsType' | 'nodeType' | 'nameNote'>

// One suffix for the factory and both its types, so `checkpointLoaderSimpleWas` goes with `CheckpointLoaderSimpleWasInputs`:
function allocateClassNames(
  def: NodeDef,
  origins: ReadonlyMap<NodeDef, Origin>,
  values: SymbolCollection,
  types: SymbolCollection,
  owners: Map<string, NodeDef>,
): ClassNames {
  const camel = identifierBase(toCamelCase(def.classType))
  const pascal = toPascalCase(def.classType)
  const namesWith = (suffix: string): [string, string, string] => [
    identifierBase(`${camel}${suffix}`),
    identifierBase(`${pascal}${suffix}Inputs`),
    identifierBase(`${pascal}${suffix}Node`),
  ]
  const free = ([fn, inputs, node]: [string, string, string]): boolean => !values.has(fn) && !types.has(inputs) && !types.has(node)
  let names = namesWith('')
  let note: string | undefined
  if (!free(names)) {
    const owner = owners.get(camel)
    const origin = origins.get(def) as Origin
    const ownerOrigin = owner === undefined ? undefined : origins.get(owner)
    const holder = !values.has(names[0])
      ? `\`${names[1]}\` or \`${names[2]}\` already names another type here`
      : owner === undefined
        ? `\`${names[0]}\` is imported from comfy-dsl`
        : `\`${names[0]}\` is ${describeOwner(owner, ownerOrigin)}'s factory`
    const labelled = origin.label !== '' && ownerOrigin?.module !== origin.module ? namesWith(origin.label) : undefined
    if (labelled !== undefined && free(labelled)) names = labelled
    else for (let n = 2; !free((names = namesWith(String(n)))); n++);
    note = `Named \`${names[0]}\` because ${holder}.`
  }
  values.take(names[0])
  types.take(names[1])
  types.take(names[2])
  if (note === undefined) owners.set(camel, def)
  return { functionName: names[0], inputsType: names[1], nodeType: names[2], ...(note === undefined ? {} : { nameNote: note }) }
}

function describeOwner(owner: NodeDef, origin: Origin | undefined): string {
  if (origin === undefined || !origin.custom) return `core \`${owner.classType}\``
  return `\`${owner.classType}\` (${origin.module})`
}

function planMatchTypes(def: NodeDef): MatchTypeParams {
  const params = new Map<string, { name: string; constraint: string }>()
  const visit = (inputs: readonly InputDef[]): void => {
    for (const input of inputs) {
      if (input.kind === 'MATCHTYPE' && !params.has(input.templateId)) {
        const constraint = input.allowedTypes
          ? input.allowedTypes.map((t) => `'${t.replace(/'/g, "\\'")}'`).join(' | ')
          : 'string'
        params.set(input.templateId, { name: params.size === 0 ? 'T' : `T${params.size + 1}`, constraint })
      } else if (input.kind === 'AUTOGROW') visit([input.template])
      else if (input.kind === 'DYNAMIC_COMBO') for (const choice of input.choices) visit(choice.inputs)
      else if (input.kind === 'DYNAMIC_SLOT') visit(input.inputs)
    }
  }
  visit(def.inputs)
  return params
}

/** Above this many classes, a top-level category is split into one file per second-level category. */
export const MAX_CLASSES_PER_FILE = 80

/** One file per top-level category (`image.ts`), split by second level when large (`model-sampling.ts`). */
export function planFiles(defs: readonly NodeDef[]): (def: NodeDef) => string {
  const topCounts = new Map<string, number>()
  for (const def of defs) {
    const top = categoryParts(def.category)[0] ?? ''
    topCounts.set(top, (topCounts.get(top) ?? 0) + 1)
  }
  return (def) => {
    const [top = '', second] = categoryParts(def.category)
    const parts = (topCounts.get(top) ?? 0) > MAX_CLASSES_PER_FILE && second !== undefined ? [top, second] : [top]
    return slugify(parts.join('-'))
  }
}

const categoryCache = new Map<string, string[]>()

function categoryParts(category: string): string[] {
  let parts = categoryCache.get(category)
  if (parts === undefined) {
    parts = category
      .split('/')
      .map((p) => p.trim())
      .filter((p) => p !== '')
    categoryCache.set(category, parts)
  }
  return parts
}

// Lowercase letters, digits and dashes; never starting with `_`, which marks shared files (`_enums`):
function slugify(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return slug === '' ? 'uncategorized' : slug
}

// Keys by option-list identity: every input's list is keyed once, not again at each lookup.
const enumKeys = new WeakMap<readonly ComboOption[], string>()

function enumKey(options: readonly ComboOption[]): string {
  let key = enumKeys.get(options)
  if (key === undefined) {
    key = JSON.stringify(options)
    enumKeys.set(options, key)
  }
  return key
}

/**
 * Option lists used by two or more inputs become named unions, named after their most common input. Lists that
 * core inputs share are named first and after core inputs only, so custom nodes never change a core class's types.
 */
function planEnums(defs: readonly NodeDef[], isCore: (def: NodeDef) => boolean, types: SymbolCollection, tier: 'core' | 'custom'): EnumPlan[] {
  const uses = new Map<string, { options: readonly ComboOption[]; total: number; core: Map<string, number>; all: Map<string, number> }>()
  const visit = (inputs: readonly InputDef[], core: boolean): void => {
    for (const input of inputs) {
      if (input.kind === 'COMBO' && !input.fileBacked && input.options.length > 1) {
        const key = enumKey(input.options)
        let use = uses.get(key)
        if (!use) {
          use = { options: input.options, total: 0, core: new Map(), all: new Map() }
          uses.set(key, use)
        }
        use.total++
        use.all.set(input.name, (use.all.get(input.name) ?? 0) + 1)
        if (core) use.core.set(input.name, (use.core.get(input.name) ?? 0) + 1)
      } else if (input.kind === 'AUTOGROW') visit([input.template], core)
      else if (input.kind === 'DYNAMIC_COMBO') for (const choice of input.choices) visit(choice.inputs, core)
    }
  }
  for (const def of defs) visit(def.inputs, isCore(def))
  // A core union is one core inputs share; a list core uses once stays inline, even where custom inputs use it too:
  const coreUses = (u: { core: Map<string, number> }): number => [...u.core.values()].reduce((a, b) => a + b, 0)
  const shared = [...uses.values()].filter((u) => (tier === 'core' ? coreUses(u) >= 2 : u.core.size === 0 && u.total >= 2))
  const named = shared.map((u) => {
    const names = tier === 'core' ? u.core : u.all
    const best = [...names.entries()].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))[0]?.[0] ?? 'option'
    return { base: toPascalCase(best) || 'Option', options: u.options }
  })
  // Allocate in a stable order so that the same object_info always gives the same names:
  named.sort((a, b) => compareText(a.base, b.base) || compareText(enumKey(a.options), enumKey(b.options)))
  return named.map((n) => ({ name: types.allocate(n.base), base: n.base, options: n.options }))
}
