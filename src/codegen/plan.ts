/**
 * Stage 2 of codegen: the NodeDef model to a sorted, named plan (files, identifiers, shared unions).
 * Nothing here prints code; render.ts turns the plan into ts-morph structures.
 * @module
 */
import type { ComboOption, DefSet, InputDef, NodeDef } from '../defs/model.js'
import { outputPropertyNames } from '../dsl/node.js'
import { SymbolCollection, toCamelCase, toPascalCase } from './names.js'
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
  /** Output name exposed as a property, by slot (null: reached with `out(i)` only). */
  readonly outputNames: readonly (string | null)[]
  readonly matchTypes: MatchTypeParams
  readonly file: string
}

export interface EnumPlan {
  readonly name: string
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

/** Builds the plan: classes sorted by class type, names allocated collision-safely. */
export function planCodegen(defs: DefSet): CodegenPlan {
  const defsSorted = [...defs.classes.values()].sort((a, b) => compareText(a.classType, b.classType))
  const values = new SymbolCollection(DSL_VALUE_IMPORTS)
  const types = new SymbolCollection(DSL_TYPE_IMPORTS)
  const enums = planEnums(defsSorted, types)
  const fileOf = planFiles(defsSorted)
  const classes = defsSorted.map((def): ClassPlan => {
    const pascal = toPascalCase(def.classType)
    return {
      def,
      functionName: values.allocate(toCamelCase(def.classType)),
      inputsType: types.allocate(`${pascal}Inputs`),
      nodeType: types.allocate(`${pascal}Node`),
      outputNames: outputPropertyNames(def),
      matchTypes: planMatchTypes(def),
      file: fileOf(def),
    }
  })
  const files = [...new Set(classes.map((c) => c.file))].sort(compareText)
  const byKey = new Map(enums.map((e) => [enumKey(e.options), e.name]))
  return {
    classes,
    enums,
    enumRegistry: { lookup: (options) => byKey.get(enumKey(options)) },
    files,
  }
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

function categoryParts(category: string): string[] {
  return category
    .split('/')
    .map((p) => p.trim())
    .filter((p) => p !== '')
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

// Option lists used by two or more inputs become named unions, named after their most common input:
function planEnums(defs: readonly NodeDef[], types: SymbolCollection): EnumPlan[] {
  const uses = new Map<string, { options: readonly ComboOption[]; names: Map<string, number> }>()
  const visit = (inputs: readonly InputDef[]): void => {
    for (const input of inputs) {
      if (input.kind === 'COMBO' && !input.fileBacked && input.options.length > 1) {
        const key = enumKey(input.options)
        let use = uses.get(key)
        if (!use) {
          use = { options: input.options, names: new Map() }
          uses.set(key, use)
        }
        use.names.set(input.name, (use.names.get(input.name) ?? 0) + 1)
      } else if (input.kind === 'AUTOGROW') visit([input.template])
      else if (input.kind === 'DYNAMIC_COMBO') for (const choice of input.choices) visit(choice.inputs)
    }
  }
  for (const def of defs) visit(def.inputs)
  const shared = [...uses.values()].filter((u) => [...u.names.values()].reduce((a, b) => a + b, 0) >= 2)
  const named = shared.map((u) => {
    const best = [...u.names.entries()].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))[0]?.[0] ?? 'option'
    return { base: toPascalCase(best) || 'Option', options: u.options }
  })
  // Allocate in a stable order so that the same object_info always gives the same names:
  named.sort((a, b) => compareText(a.base, b.base) || compareText(enumKey(a.options), enumKey(b.options)))
  return named.map((n) => ({ name: types.allocate(n.base), options: n.options }))
}
