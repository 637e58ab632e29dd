/**
 * Where the editor draws the parts of a node: the title bar above `pos`, input and output sockets side by side in
 * rows of 20 (socket centres at `(row + 0.7) * 20` below the top of the body, 10 in from the edge, as litegraph's
 * `getConnectionPos`), widgets below the socket rows, and widget inputs' sockets on their widget's row. A collapsed
 * node is its title bar, with every link meeting its left or right end.
 * @module
 */
import { METRICS } from './palette.js'
import type { RenderNode } from './read.js'
import { textWidth } from './svg-text.js'
import { formatValue, type WidgetRow } from './widgets.js'

export interface Point {
  readonly x: number
  readonly y: number
}

export interface NodeBox {
  readonly node: RenderNode
  /** The title shown: the file's, else the subgraph's name or the class's display name. */
  readonly title: string
  /** The whole node, title bar included. */
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
  /** Inputs drawn as socket rows (by input index), and their row. */
  readonly socketRows: ReadonlyMap<number, number>
  /** Widget inputs drawn on their widget's row (by input index), and the widget's index. */
  readonly widgetSockets: ReadonlyMap<number, number>
  readonly widgets: readonly WidgetRow[]
  /** Top and height of each widget (text areas share the free height of the body). */
  readonly widgetTops: readonly number[]
  readonly widgetHeights: readonly number[]
  /** Where a link leaves output `slot` or enters input `slot` (undefined: no such slot). */
  output(slot: number): Point | undefined
  input(slot: number): Point | undefined
}

const { titleHeight, slotHeight, widgetHeight, widgetGap } = METRICS

/** The layout of one node. */
export function layoutNode(node: RenderNode, title: string, widgets: readonly WidgetRow[]): NodeBox {
  const widgetIndex = new Map(widgets.map((w, i) => [w.name, i] as const))
  const socketRows = new Map<number, number>()
  const widgetSockets = new Map<number, number>()
  node.inputs.forEach((input, i) => {
    const row = input.widget === undefined || input.widget === '' ? undefined : widgetIndex.get(input.widget)
    if (row === undefined) socketRows.set(i, socketRows.size)
    else widgetSockets.set(i, row)
  })
  const rows = Math.max(socketRows.size, node.outputs.length)
  const widgetsTop = rows * slotHeight + (widgets.length > 0 ? 6 : 0)
  const areas = widgets.filter((w) => w.multiline).length
  const fixed = widgets.length * (widgetHeight + widgetGap) + 4
  const contentHeight = widgets.length > 0 ? widgetsTop + fixed + areas * 2 * widgetHeight : Math.max(rows * slotHeight + 6, slotHeight)
  const bodyHeight = node.size?.[1] ?? contentHeight
  // Text areas take what the other widgets leave of the body, as the editor's DOM widgets do:
  const areaHeight = areas === 0 ? widgetHeight : Math.max(widgetHeight, (bodyHeight - widgetsTop - fixed) / areas + widgetHeight)
  const widgetTops: number[] = []
  const widgetHeights: number[] = []
  let top = node.y + widgetsTop
  for (const widget of widgets) {
    const h = widget.multiline ? areaHeight : widgetHeight
    widgetTops.push(top)
    widgetHeights.push(h)
    top += h + widgetGap
  }

  if (node.collapsed) {
    const width = Math.max(METRICS.collapsedMinWidth, textWidth(title, METRICS.titleFont) + 40)
    const mid = { y: node.y - titleHeight / 2 }
    return {
      node,
      title,
      x: node.x,
      y: node.y - titleHeight,
      width,
      height: titleHeight,
      socketRows,
      widgetSockets,
      widgets,
      widgetTops,
      widgetHeights,
      output: (slot) => (slot >= 0 && slot < node.outputs.length ? { x: node.x + width, y: mid.y } : undefined),
      input: (slot) => (slot >= 0 && slot < node.inputs.length ? { x: node.x, y: mid.y } : undefined),
    }
  }
  const width = node.size?.[0] ?? estimateWidth(node, title, widgets)
  return {
    node,
    title,
    x: node.x,
    y: node.y - titleHeight,
    width,
    height: bodyHeight + titleHeight,
    socketRows,
    widgetSockets,
    widgets,
    widgetTops,
    widgetHeights,
    output: (slot) => (slot >= 0 && slot < node.outputs.length ? { x: node.x + width - 10, y: node.y + (slot + 0.7) * slotHeight } : undefined),
    input: (slot) => {
      const row = socketRows.get(slot)
      if (row !== undefined) return { x: node.x + 10, y: node.y + (row + 0.7) * slotHeight }
      const widget = widgetSockets.get(slot)
      if (widget === undefined) return undefined
      return { x: node.x + 8, y: (widgetTops[widget] as number) + Math.min(widgetHeight, widgetHeights[widget] as number) / 2 }
    },
  }
}

// Wide enough for the title and for an input and an output label side by side, as the editor sizes new nodes:
function estimateWidth(node: RenderNode, title: string, widgets: readonly WidgetRow[]): number {
  const font = METRICS.textFont
  let width = Math.max(METRICS.minWidth, textWidth(title, METRICS.titleFont) + 40)
  const rows = Math.max(node.inputs.length, node.outputs.length)
  for (let i = 0; i < rows; i++) {
    width = Math.max(width, textWidth(node.inputs[i]?.name ?? '', font) + textWidth(node.outputs[i]?.name ?? '', font) + 60)
  }
  for (const w of widgets) width = Math.max(width, Math.min(400, textWidth(`${w.name}  ${formatValue(w.value)}`, font) + 60))
  return width
}
