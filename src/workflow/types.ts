/**
 * The UI (litegraph) workflow as the ComfyUI editor saves it, schema 0.4 (links as arrays), with subgraph
 * definitions in schema 1 form (links as objects), as the editor writes them.
 * @module
 */

/** An input socket. `widget` names the widget the socket belongs to (a widget input that is linked). */
export interface WorkflowInput {
  name: string
  type: string
  link: number | null
  widget?: { name: string }
}

export interface WorkflowOutput {
  name: string
  type: string
  links: number[] | null
  slot_index?: number
}

export interface WorkflowNode {
  id: number | string
  type: string
  pos: [number, number]
  size: [number, number]
  flags: Record<string, unknown>
  order: number
  mode: number
  inputs: WorkflowInput[]
  outputs: WorkflowOutput[]
  title?: string
  properties: Record<string, unknown>
  widgets_values: unknown[]
}

/** `[id, origin node, origin slot, target node, target slot, type]` */
export type WorkflowLink = [number, number | string, number, number | string, number, string]

export interface WorkflowGroup {
  id: number
  title: string
  /** `[x, y, width, height]`, title bar included. */
  bounding: [number, number, number, number]
  color: string
  font_size: number
  flags: Record<string, unknown>
}

/** A link inside a subgraph definition (schema 1 form); the boundary nodes are -10 (inputs) and -20 (outputs). */
export interface SubgraphLink {
  id: number
  origin_id: number
  origin_slot: number
  target_id: number
  target_slot: number
  type: string
}

export interface SubgraphSlot {
  id: string
  name: string
  type: string
  linkIds: number[]
  pos: [number, number]
}

export interface SubgraphDefinition {
  id: string
  version: 1
  state: { lastGroupId: number; lastNodeId: number; lastLinkId: number; lastRerouteId: number }
  revision: 0
  config: Record<string, unknown>
  name: string
  inputNode: { id: -10; bounding: [number, number, number, number] }
  outputNode: { id: -20; bounding: [number, number, number, number] }
  inputs: SubgraphSlot[]
  outputs: SubgraphSlot[]
  widgets: unknown[]
  nodes: WorkflowNode[]
  groups: WorkflowGroup[]
  links: SubgraphLink[]
  extra: Record<string, unknown>
}

/** A UI workflow the editor opens (File → Open, drag and drop, or the `workflow` in a PNG's metadata). */
export interface Workflow {
  id: string
  revision: 0
  last_node_id: number
  last_link_id: number
  nodes: WorkflowNode[]
  links: WorkflowLink[]
  groups: WorkflowGroup[]
  definitions?: { subgraphs: SubgraphDefinition[] }
  config: Record<string, unknown>
  extra: { ds: { scale: number; offset: [number, number] } }
  version: 0.4
}

/** Something the UI workflow cannot carry, reported instead of failing (the editor would drop it too). */
export interface WorkflowWarning {
  readonly code: 'unknown_class' | 'input_dropped'
  readonly nodeId: string
  readonly message: string
}
