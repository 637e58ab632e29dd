import { suggestNames } from '../defs/suggest.js'
import { ComfyError } from '../errors.js'

/** A template parameter that is unknown, of the wrong type, or out of range. */
export class TemplateParameterError extends ComfyError {
  constructor(
    readonly template: string,
    readonly parameter: string,
    readonly reason: string,
  ) {
    super(`template "${template}": parameter "${parameter}" ${reason}`, { path: ['parameters', parameter] })
  }
}

/** A name that is not one of `known`, with the closest names suggested. */
export function unknownParameter(template: string, name: string, known: Iterable<string>): TemplateParameterError {
  const close = suggestNames(name, known)
  const hint = close.length > 0 ? `; did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : ''
  return new TemplateParameterError(template, name, `is not a parameter of this template${hint}`)
}
