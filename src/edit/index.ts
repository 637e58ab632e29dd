/**
 * The edit flow (Node only): `edit(client, { image, positive, negative, template, params, mask, control, out })`.
 * @module
 */
export { edit } from './edit.js'
export type { EditMask, EditOptions, EditResult } from './edit.js'
export { EditError } from './errors.js'
