/**
 * UI workflows from code: `toWorkflow` writes a DSL graph (and `apiToWorkflow` an API prompt) as a workflow the
 * ComfyUI editor opens, laid out left to right, with optional groups. Browser-safe.
 *
 * ```ts
 * import { group, toWorkflow } from 'comfy-dsl/workflow'
 * const workflow = toWorkflow([save], defs, { groups: [group('Sampling', [sampler, decode])] })
 * ```
 * @module
 */
export { apiToWorkflow } from './from-api.js'
export type { ApiToWorkflowOptions, GroupSpec } from './from-api.js'
export { group, toWorkflow } from './to-workflow.js'
export type { Group, ToWorkflowOptions } from './to-workflow.js'
export { layeredLayout } from './layout.js'
export type { LayoutEdge, LayoutNode, LayoutOptions, LayoutResult } from './layout.js'
export type * from './types.js'
