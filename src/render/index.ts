/**
 * Pictures of UI workflows: {@link renderWorkflowSvg} draws the editor's JSON as SVG (no DOM, runs anywhere).
 * @module
 */
export { renderWorkflowSvg } from './render.js'
export type { RenderOptions, RenderResult, RenderWarning } from './render.js'
export { LINK_TYPE_COLORS } from './palette.js'
