/**
 * Filling a template's API JSON through its manifest: what a tool without TypeScript does.
 * @module
 */
import type { ApiPrompt } from '../dsl/prompt.js'
import { describeValue } from '../errors.js'
import type { ParamValue } from './define.js'
import { TemplateParameterError, unknownParameter } from './errors.js'
import type { ManifestParameter, TemplateManifest } from './manifest.js'

/**
 * Returns a copy of `prompt` with `values` written to the node inputs the manifest names.
 * Throws {@link TemplateParameterError} naming template and parameter for unknown parameters, values of the
 * wrong type, out of range or not in the list.
 */
export function fillTemplate(prompt: ApiPrompt, manifest: TemplateManifest, values: Readonly<Record<string, unknown>>): ApiPrompt {
  const filled = structuredClone(prompt)
  for (const [name, value] of Object.entries(values)) {
    const parameter = manifest.parameters[name]
    if (parameter === undefined) {
      if (!Object.hasOwn(manifest.variants, name)) throw unknownParameter(manifest.template, name, Object.keys(manifest.parameters))
      throw new TemplateParameterError(
        manifest.template,
        name,
        `changes the structure of the graph and cannot be filled into ${manifest.workflow}; render the template from TypeScript`,
      )
    }
    checkValue(manifest.template, name, parameter, value)
    if (parameter.targets.length === 0) {
      throw new TemplateParameterError(
        manifest.template,
        name,
        `is not used by this variant of the graph (${JSON.stringify(manifest.variants)})`,
      )
    }
    for (const target of parameter.targets) {
      const node = filled[target.node]
      if (node === undefined) {
        throw new TemplateParameterError(manifest.template, name, `targets node "${target.node}", which the workflow does not have`)
      }
      node.inputs[target.input] = value as ParamValue
    }
  }
  return filled
}

function checkValue(template: string, name: string, parameter: ManifestParameter, value: unknown): void {
  const fail = (expected: string): never => {
    throw new TemplateParameterError(template, name, `expects ${expected}, received ${describeValue(value)}`)
  }
  switch (parameter.type) {
    case 'integer':
      if (!(typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value)))) fail('an integer')
      break
    case 'number':
      if (!(typeof value === 'number' && Number.isFinite(value))) fail('a finite number')
      break
    case 'string':
      if (typeof value !== 'string') fail('a string')
      break
    case 'boolean':
      if (typeof value !== 'boolean') fail('a boolean')
      break
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (parameter.minimum !== undefined && value < parameter.minimum) fail(`a value of at least ${String(parameter.minimum)}`)
    if (parameter.maximum !== undefined && value > parameter.maximum) fail(`a value of at most ${String(parameter.maximum)}`)
  }
  if (parameter.enum !== undefined && !parameter.enum.includes(value as string)) {
    fail(`one of ${parameter.enum.length > 12 ? `${parameter.enum.length} options (see the manifest)` : parameter.enum.map((o) => JSON.stringify(o)).join(', ')}`)
  }
}
