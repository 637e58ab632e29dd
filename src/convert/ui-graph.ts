/**
 * The UI (litegraph) workflow as the converter reads it: one shape for schema 0.4 (links as arrays) and
 * schema 1 (links as objects), with every node remembering where it sits in the file.
 * @module
 */
import type { IssuePath } from '../errors.js'

/** Link ids are numbers in files the editor writes; some tools write strings. */
export type LinkId = string

export interface UiInput {
  readonly name: string
  /** Declared socket type (`"MODEL"`, `"*"`, `"INT,FLOAT"`); `*` when the file has none. */
  readonly type: string
  readonly link: LinkId | undefined
  /** Name of the widget this socket belongs to (a widget input converted to, or shown as, a socket). */
  readonly widget: string | undefined
}

export interface UiOutput {
  readonly name: string
  readonly type: string
}

/** Litegraph node modes the converter acts on. */
export const MODE = { always: 0, never: 2, bypass: 4 } as const

export interface UiNode {
  /** The id as written, as a string (`5`, or `"37:2"` for ids some tools write). */
  readonly id: string
  readonly type: string
  readonly mode: number
  readonly title: string | undefined
  readonly inputs: readonly UiInput[]
  readonly outputs: readonly UiOutput[]
  readonly widgetsValues: readonly unknown[] | Readonly<Record<string, unknown>> | undefined
  /** `widgets_values_named`, written next to `widgets_values` by recent editors: values by widget name. */
  readonly widgetsValuesNamed: Readonly<Record<string, unknown>> | undefined
  readonly properties: Readonly<Record<string, unknown>>
  /** Where the node is in the file. */
  readonly path: IssuePath
  /** Widget values by name that replace the node's own (a legacy group node instance's values for its inner nodes). */
  readonly widgetOverrides?: ReadonlyMap<string, unknown>
}

export interface UiLink {
  readonly id: LinkId
  readonly originId: string
  readonly originSlot: number
  readonly targetId: string
  readonly targetSlot: number
  readonly type: string
}

/** One graph level: the root graph, a subgraph definition, or the inside of a legacy group node. */
export interface UiGraph {
  readonly nodes: readonly UiNode[]
  readonly byId: ReadonlyMap<string, UiNode>
  readonly links: ReadonlyMap<LinkId, UiLink>
  readonly path: IssuePath
}

/** A subgraph input or output slot of a definition. */
export interface UiSubgraphSlot {
  readonly name: string
  readonly type: string
  readonly linkIds: readonly LinkId[]
}

export interface UiSubgraph extends UiGraph {
  readonly id: string
  readonly name: string
  readonly inputs: readonly UiSubgraphSlot[]
  readonly outputs: readonly UiSubgraphSlot[]
}

/** A legacy group node definition (`extra.groupNodes[name]`), kept raw: it is expanded per instance. */
export interface UiGroupNodeDef {
  readonly name: string
  readonly nodes: readonly UiNode[]
  /** `[originIndex, originSlot, targetIndex, targetSlot]`; links from outside the group have no origin. */
  readonly links: readonly (readonly [number | null, number, number, number])[]
  /** `[nodeIndex, outputSlot]` pairs that also feed nodes outside the group. */
  readonly external: readonly (readonly [number, number])[]
  /** `config[index].input[name].visible === false`, as `"index:name"`: not an input of the instance. */
  readonly hiddenInputs: ReadonlySet<string>
  /** `config[index].output[slot].visible`, keyed `"index:slot"`. */
  readonly outputVisibility: ReadonlyMap<string, boolean>
  readonly path: IssuePath
}

export interface UiWorkflow {
  readonly version: number
  readonly root: UiGraph
  /** Subgraph definitions by id (the instance node's `type`), nested definitions included. */
  readonly subgraphs: ReadonlyMap<string, UiSubgraph>
  /** Legacy group nodes by name (instances have type `workflow>name` or `workflow/name`). */
  readonly groupNodes: ReadonlyMap<string, UiGroupNodeDef>
}

/** Subgraph boundary pseudo-node ids inside a definition. */
export const SUBGRAPH_INPUT_ID = '-10'
export const SUBGRAPH_OUTPUT_ID = '-20'
