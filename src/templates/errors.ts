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
