/**
 * Parameter manifests: for each parameter of a rendered template, its type and default (taken from the
 * node input definition it fills) and the node inputs it fills, so tools without TypeScript can fill the JSON.
 * @module
 */
import type { DefSet, InputDef } from '../defs/model.js'
import type { ParamSpec, ParamValue, RenderedTemplate, Template } from './define.js'

export interface ManifestTarget {
  readonly node: string
  readonly input: string
}

export interface ManifestParameter {
  readonly type: 'integer' | 'number' | 'string' | 'boolean'
  readonly default: ParamValue
  readonly description: string
  readonly minimum?: number | bigint
  readonly maximum?: number | bigint
  readonly enum?: readonly (string | number | boolean)[]
  /** A file name on the server (an uploaded image, a model). */
  readonly file?: true
  /** Node inputs the value is written to; empty when this variant of the graph does not use it. */
  readonly targets: readonly ManifestTarget[]
}

export interface TemplateManifest {
  readonly template: string
  readonly description: string
  /** The workflow file this manifest fills (next to it in workflows/). */
  readonly workflow: string
  /** Structural options the workflow was rendered with (changing them needs the TypeScript API). */
  readonly variants: Readonly<Record<string, ParamValue>>
  readonly parameters: Readonly<Record<string, ManifestParameter>>
}

/** Builds the manifest of a rendered template; parameter types come from the definitions of their targets. */
export function buildManifest<O>(template: Template<O>, rendered: RenderedTemplate, defs: DefSet): TemplateManifest {
  const variants: Record<string, ParamValue> = {}
  const parameters: Record<string, ManifestParameter> = {}
  for (const [name, spec] of Object.entries(template.params) as [string, ParamSpec<ParamValue>][]) {
    const value = rendered.options[name] as ParamValue
    if (spec.structural) {
      variants[name] = value
      continue
    }
    const targets = rendered.bindings.filter((b) => b.param === name).map((b) => ({ node: b.node, input: b.input }))
    const input = targets.map((t) => targetInput(rendered, defs, t)).find((i) => i !== undefined)
    parameters[name] = { ...typeOf(input, value), default: value, description: spec.description, targets }
  }
  return { template: template.name, description: template.description, workflow: `${template.name}.json`, variants, parameters }
}

function targetInput(rendered: RenderedTemplate, defs: DefSet, target: ManifestTarget): InputDef | undefined {
  const classType = rendered.prompt[target.node]?.class_type
  return classType === undefined ? undefined : defs.classes.get(classType)?.inputs.find((i) => i.name === target.input)
}

function typeOf(
  input: InputDef | undefined,
  value: ParamValue,
): Pick<ManifestParameter, 'type' | 'minimum' | 'maximum' | 'enum' | 'file'> {
  switch (input?.kind) {
    case 'INT':
    case 'FLOAT':
      return {
        type: input.kind === 'INT' ? 'integer' : 'number',
        ...(input.min === undefined ? {} : { minimum: input.min }),
        ...(input.max === undefined ? {} : { maximum: input.max }),
      }
    case 'BOOLEAN':
      return { type: 'boolean' }
    case 'COMBO':
      return input.fileBacked ? { type: 'string', file: true } : { type: 'string', enum: input.options }
    case 'STRING':
      return { type: 'string' }
    default:
      return { type: typeof value === 'boolean' ? 'boolean' : typeof value === 'string' ? 'string' : 'number' }
  }
}
