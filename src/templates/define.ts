/**
 * Templates: DSL functions with typed options whose parameters are bound to node inputs, so that the
 * rendered API JSON comes with a manifest a tool without TypeScript can fill.
 * @module
 */
import type { NodeHandle } from '../dsl/output.js'
import { buildPrompt, type ApiPrompt, type PromptRoot } from '../dsl/prompt.js'
import { describeValue } from '../errors.js'
import { TemplateParameterError, unknownParameter } from './errors.js'

/** A parameter value: what JSON and the graph can carry. */
export type ParamValue = string | number | bigint | boolean

/** What a template says about one of its options. */
export interface ParamSpec<T> {
  readonly default: T
  readonly description: string
  /**
   * A structural option selects a variant of the graph (e.g. which latent node an inpaint uses). It is not
   * fillable through the manifest, which records the variant the JSON was rendered with.
   */
  readonly structural?: boolean
}

export type ParamSpecs<O> = { readonly [K in keyof O]-?: ParamSpec<O[K]> }

/** Records which node input a parameter fills. */
export type Bind<O> = (param: keyof O & string, node: NodeHandle, input: string) => void

export interface TemplateDefinition<O> {
  readonly name: string
  readonly description: string
  readonly params: ParamSpecs<O>
  /** Builds the graph from complete options, binding every non-structural parameter. */
  build(options: Required<O>, bind: Bind<O>): PromptRoot[]
}

/** A parameter bound to a node input of the rendered prompt. */
export interface Binding {
  readonly param: string
  readonly node: string
  readonly input: string
}

export interface RenderedTemplate {
  readonly name: string
  readonly prompt: ApiPrompt
  readonly bindings: readonly Binding[]
  /** The complete options the prompt was rendered with. */
  readonly options: Readonly<Record<string, ParamValue>>
  /** Non-structural parameters this variant of the graph does not use (e.g. a mask file with `maskSource: 'alpha'`). */
  readonly unused: readonly string[]
}

export interface Template<O> {
  readonly name: string
  readonly description: string
  readonly params: ParamSpecs<O>
  /** Renders API JSON with `options` over the defaults; throws TemplateParameterError for bad options. */
  render(options?: Partial<O>): RenderedTemplate
}

/** Defines a template. Option values are checked against the type of each default. */
export function defineTemplate<O extends Partial<Record<keyof O, ParamValue>>>(definition: TemplateDefinition<O>): Template<O> {
  return {
    name: definition.name,
    description: definition.description,
    params: definition.params,
    render(options = {}) {
      const complete = completeOptions(definition, options as Record<string, unknown>)
      const bound: { param: string; node: NodeHandle; input: string }[] = []
      const roots = definition.build(complete as Required<O>, (param, node, input) => {
        bound.push({ param, node, input })
      })
      const { prompt, ids } = buildPrompt(roots)
      const bindings = bound.flatMap((b) => {
        const node = ids.get(b.node)
        // A bound node no output reaches is not in the prompt, so there is nothing to fill:
        return node === undefined ? [] : [{ param: b.param, node, input: b.input }]
      })
      const unused = Object.keys(definition.params).filter(
        (param) => !definition.params[param as keyof O].structural && !bindings.some((b) => b.param === param),
      )
      return { name: definition.name, prompt, bindings, options: complete, unused }
    },
  }
}

function completeOptions<O>(definition: TemplateDefinition<O>, given: Record<string, unknown>): Record<string, ParamValue> {
  const complete: Record<string, ParamValue> = {}
  const names = Object.keys(definition.params)
  for (const key of Object.keys(given)) {
    if (!names.includes(key)) throw unknownParameter(definition.name, key, names)
  }
  for (const name of names) {
    const spec = definition.params[name as keyof O] as ParamSpec<ParamValue>
    const value = given[name] === undefined ? spec.default : given[name]
    if (!sameKind(value, spec.default)) {
      throw new TemplateParameterError(
        definition.name,
        name,
        `expects ${kindOf(spec.default)}, received ${describeValue(value)}`,
      )
    }
    complete[name] = value as ParamValue
  }
  return complete
}

function kindOf(value: unknown): string {
  if (typeof value === 'number' && Number.isInteger(value)) return 'a number'
  if (typeof value === 'bigint') return 'an integer'
  return `a ${typeof value}`
}

function sameKind(value: unknown, reference: ParamValue): boolean {
  if (typeof reference === 'number' || typeof reference === 'bigint') {
    return (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint'
  }
  return typeof value === typeof reference
}
