import { ComfyError } from '../errors.js'

/** An edit that ran but did not give what the flow needs (e.g. no image came back). */
export class EditError extends ComfyError {}
