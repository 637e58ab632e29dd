/** Small UI workflows for tests, written the way the editor saves them (schema 0.4). */

export interface NodeSpec {
  readonly inputs?: readonly (readonly [name: string, type: string, link?: number | null, widget?: string])[]
  readonly outputs?: readonly (readonly [name: string, type: string])[]
  readonly widgets?: readonly unknown[] | Record<string, unknown>
  readonly mode?: number
  readonly title?: string
}

export function uiNode(id: number | string, type: string, spec: NodeSpec = {}): Record<string, unknown> {
  return {
    id,
    type,
    pos: [0, 0],
    size: [100, 100],
    flags: {},
    order: 0,
    mode: spec.mode ?? 0,
    ...(spec.title === undefined ? {} : { title: spec.title }),
    inputs: (spec.inputs ?? []).map(([name, type, link, widget]) => ({
      name,
      type,
      link: link ?? null,
      ...(widget === undefined ? {} : { widget: { name: widget } }),
    })),
    outputs: (spec.outputs ?? []).map(([name, type]) => ({ name, type, links: [] })),
    properties: {},
    ...(spec.widgets === undefined ? {} : { widgets_values: spec.widgets }),
  }
}

/** `links`: `[id, origin, origin slot, target, target slot, type]`. */
export function uiWorkflow(nodes: readonly Record<string, unknown>[], links: readonly unknown[][] = []): Record<string, unknown> {
  return { last_node_id: nodes.length, last_link_id: links.length, nodes, links, groups: [], config: {}, extra: {}, version: 0.4 }
}
