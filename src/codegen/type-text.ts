/**
 * NodeDef inputs and outputs to TypeScript type text for generated factories.
 * @module
 */
import { hasWidget } from '../defs/normalize.js'
import { hasFillableDefault } from '../dsl/node.js'
import type { ComboOption, InputDef, OutputDef } from '../defs/model.js'
import { propertyKey, quote } from './names.js'

/** Shared literal unions (combo option lists used by several inputs), keyed by their option list. */
export interface EnumRegistry {
  /** Returns the name of a shared union for `options`, or undefined to inline it. */
  lookup(options: readonly ComboOption[]): string | undefined
}

/** Generic parameters of a class with V3 MatchType inputs: template id to parameter name and constraint. */
export type MatchTypeParams = ReadonlyMap<string, { readonly name: string; readonly constraint: string }>

export interface TypeContext {
  readonly enums: EnumRegistry
  readonly matchTypes: MatchTypeParams
  /** Collects the DSL types and shared unions the type texts name, for the file's import lines. */
  readonly uses: Set<string>
}

/** A literal union of combo options as type text (`'euler' | 'heun'`), `never` when empty. */
export function literalUnion(options: readonly ComboOption[]): string {
  if (options.length === 0) return 'never'
  return [...new Set(options)].map((o) => (typeof o === 'string' ? quote(o) : String(o))).join(' | ')
}

/** Union of socket types as the argument of `Link<...>` (`'IMAGE' | 'MASK'`). */
function socketTypes(types: readonly string[]): string {
  return [...new Set(types)].map(quote).join(' | ')
}

/** The type an input accepts. */
export function inputTypeText(input: InputDef, ctx: TypeContext): string {
  switch (input.kind) {
    case 'INT':
      return use(ctx, 'IntInput')
    case 'FLOAT':
      return use(ctx, 'FloatInput')
    case 'STRING':
      return use(ctx, 'StringInput')
    case 'BOOLEAN':
      return use(ctx, 'BooleanInput')
    case 'COMBO': {
      const shared = input.fileBacked ? undefined : ctx.enums.lookup(input.options)
      if (shared !== undefined) ctx.uses.add(shared)
      const one = input.fileBacked ? 'string' : (shared ?? literalUnion(input.options))
      if (input.multiselect) return `${one === 'never' ? 'string' : paren(one)}[] | readonly ${paren(one)}[] | ${use(ctx, 'Link')}<'COMBO'>`
      return input.fileBacked || one === 'never' ? use(ctx, 'FileInput') : `${use(ctx, 'ComboInput')}<${one}>`
    }
    case 'LINK': {
      const link = input.types.includes('*') ? use(ctx, 'AnyOutput') : `${use(ctx, 'Link')}<${socketTypes(input.types)}>`
      return hasWidget(input) ? `${link} | ${use(ctx, 'LiteralValue')}` : link
    }
    case 'MATCHTYPE': {
      const param = ctx.matchTypes.get(input.templateId)
      return param ? `${use(ctx, 'Link')}<${param.name}>` : use(ctx, 'AnyOutput')
    }
    case 'DYNAMIC_SLOT':
      return input.types.includes('*') ? use(ctx, 'AnyOutput') : `${use(ctx, 'Link')}<${socketTypes(input.types)}>`
    case 'AUTOGROW': {
      const item = inputTypeText(input.template, ctx)
      if (input.prefix !== undefined) {
        return `readonly (${item})[] | { readonly [entry: \`${input.prefix}\${number}\`]: ${item} }`
      }
      const members = input.names.map((name, i) => `readonly ${propertyKey(name)}${i < input.min ? '' : '?'}: ${item}`)
      return `{ ${members.join('; ')} }`
    }
    case 'DYNAMIC_COMBO': {
      const choices = input.choices.map((choice) => {
        const members = [`readonly key: ${quote(choice.key)}`]
        for (const sub of choice.inputs) {
          members.push(`readonly ${propertyKey(sub.name)}${isOptionalInput(sub) ? '?' : ''}: ${inputTypeText(sub, ctx)}`)
        }
        const object = `{ ${members.join('; ')} }`
        // A choice whose sub-inputs are all optional may be given as its bare key:
        return choice.inputs.every(isOptionalInput) ? `${quote(choice.key)} | ${object}` : object
      })
      return choices.length > 0 ? choices.join(' | ') : 'string'
    }
  }
}

function use(ctx: TypeContext, name: string): string {
  ctx.uses.add(name)
  return name
}

function paren(type: string): string {
  return type.includes('|') ? `(${type})` : type
}

/** Optional in the generated inputs: declared optional, or required with a default the factory fills in. */
export function isOptionalInput(input: InputDef): boolean {
  if (!input.required) return true
  if (input.kind === 'AUTOGROW') return input.min === 0
  return hasFillableDefault(input)
}

/** The type of an output handle. */
export function outputTypeText(output: OutputDef, matchTypes: MatchTypeParams, uses: Set<string>): string {
  uses.add('Output')
  if (output.matchType !== undefined) {
    const param = matchTypes.get(output.matchType)
    if (param) return `Output<${param.name}>`
  }
  if (output.type === 'COMFY_MATCHTYPE_V3') return `Output<'*'>`
  return `Output<${socketTypes(output.types)}>`
}
