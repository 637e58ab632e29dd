/**
 * A layered left-to-right layout (Sugiyama style) for dataflow graphs: layers by longest path (nodes pulled right
 * next to their first consumer), order in each layer by port-aware barycenters, then rows stacked so that a node
 * sits level with the outputs that feed it where room allows. Deterministic and linear in practice, so a 100-node
 * graph takes well under a millisecond; elkjs does the same job with more finesse but took seconds for 100 nodes on
 * the project's machine and weighs 1.6 MB.
 *
 * Guarantees: no two nodes overlap (title bars included), every link goes from a column to a column further right,
 * and nodes of different bands (editor groups) never share a horizontal strip, so a group's box holds its nodes only.
 * @module
 */
import { SLOT_HEIGHT, TITLE_HEIGHT } from './sizes.js'

export interface LayoutNode {
  readonly width: number
  /** Body height; the title bar is added above it. */
  readonly height: number
  /** Nodes of one band are laid out in their own horizontal strip; bands are stacked in increasing order. */
  readonly band: number
}

export interface LayoutEdge {
  /** Index of the source node (it must come before the target in the node list: a dependency order). */
  readonly from: number
  readonly fromSlot: number
  readonly to: number
  readonly toSlot: number
}

export interface LayoutOptions {
  /** Horizontal gap between columns. */
  readonly columnGap?: number
  /** Vertical gap between nodes of a column. */
  readonly rowGap?: number
  /** Vertical gap between bands (room for a group's title bar). */
  readonly bandGap?: number
  readonly origin?: readonly [number, number]
}

export interface LayoutResult {
  /** Top-left of each node's body (`pos` in the editor; the title bar is above it). */
  readonly positions: [number, number][]
  /** Column of each node. */
  readonly layers: number[]
}

const SWEEPS = 4

/** Lays out `nodes` (in a dependency order) connected by `edges`. */
export function layeredLayout(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], options: LayoutOptions = {}): LayoutResult {
  const columnGap = options.columnGap ?? 80
  const rowGap = options.rowGap ?? 40
  const bandGap = options.bandGap ?? 80
  const [x0, y0] = options.origin ?? [0, 0]
  const n = nodes.length
  const preds: LayoutEdge[][] = Array.from({ length: n }, () => [])
  const succs: LayoutEdge[][] = Array.from({ length: n }, () => [])
  for (const e of edges) {
    if (e.from >= e.to) throw new RangeError(`layout: edge ${e.from} -> ${e.to} does not follow the dependency order`)
    preds[e.to]?.push(e)
    succs[e.from]?.push(e)
  }
  const layers = assignLayers(n, preds, succs)
  const order = orderLayers(nodes, layers, preds, succs)

  // Column x: every band shares the columns, each as wide as its widest node.
  const columns = Math.max(0, ...layers) + 1
  const widths = new Array<number>(columns).fill(0)
  nodes.forEach((node, i) => {
    const l = layers[i] as number
    widths[l] = Math.max(widths[l] as number, node.width)
  })
  const columnX: number[] = []
  let x = x0
  for (let l = 0; l < columns; l++) {
    columnX.push(x)
    x += (widths[l] as number) + columnGap
  }

  const positions: [number, number][] = new Array(n)
  const placed = new Array<boolean>(n).fill(false)
  let bandTop = y0
  for (const band of order) {
    let bandBottom = bandTop
    for (let l = 0; l < band.length; l++) {
      let cursor = bandTop
      for (const i of band[l] as number[]) {
        // Level with the outputs that feed it (average over placed sources), never above the cursor:
        let sum = 0
        let count = 0
        for (const e of preds[i] as LayoutEdge[]) {
          if (!placed[e.from]) continue
          sum += (positions[e.from] as [number, number])[1] + (e.fromSlot - e.toSlot) * SLOT_HEIGHT
          count++
        }
        const top = Math.max(cursor, count > 0 ? Math.round(sum / count) - TITLE_HEIGHT : cursor)
        positions[i] = [columnX[l] as number, top + TITLE_HEIGHT]
        placed[i] = true
        cursor = top + TITLE_HEIGHT + (nodes[i] as LayoutNode).height + rowGap
        bandBottom = Math.max(bandBottom, cursor - rowGap)
      }
    }
    if (bandBottom > bandTop) bandTop = bandBottom + bandGap
  }
  return { positions, layers }
}

// Longest path from the sources, then every node moved right as far as its consumers allow (a loader sits just
// left of the first node that uses it, not in column 0 with a link across the whole graph).
function assignLayers(n: number, preds: readonly LayoutEdge[][], succs: readonly LayoutEdge[][]): number[] {
  const layers = new Array<number>(n).fill(0)
  for (let i = 0; i < n; i++) {
    for (const e of preds[i] as LayoutEdge[]) layers[i] = Math.max(layers[i] as number, (layers[e.from] as number) + 1)
  }
  for (let i = n - 1; i >= 0; i--) {
    const out = succs[i] as LayoutEdge[]
    if (out.length === 0) continue
    const limit = Math.min(...out.map((e) => layers[e.to] as number)) - 1
    if (limit > (layers[i] as number)) layers[i] = limit
  }
  return layers
}

// Per band, per column: node indices top to bottom, by barycenter sweeps over port positions.
function orderLayers(
  nodes: readonly LayoutNode[],
  layers: readonly number[],
  preds: readonly LayoutEdge[][],
  succs: readonly LayoutEdge[][],
): number[][][] {
  const bandIds = [...new Set(nodes.map((node) => node.band))].sort((a, b) => a - b)
  const columns = Math.max(0, ...layers) + 1
  const rank = new Array<number>(nodes.length).fill(0)
  const result: number[][][] = []
  for (const bandId of bandIds) {
    const band: number[][] = Array.from({ length: columns }, () => [])
    nodes.forEach((node, i) => {
      if (node.band === bandId) band[layers[i] as number]?.push(i)
    })
    const rerank = (): void => band.forEach((column) => column.forEach((i, k) => (rank[i] = k)))
    rerank()
    for (let sweep = 0; sweep < SWEEPS; sweep++) {
      const forward = sweep % 2 === 0
      for (let s = 0; s < columns; s++) {
        const l = forward ? s : columns - 1 - s
        const column = band[l] as number[]
        const key = new Map<number, number>()
        for (const i of column) {
          const adjacent = forward ? (preds[i] as LayoutEdge[]) : (succs[i] as LayoutEdge[])
          const near = adjacent.filter((e) => nodes[forward ? e.from : e.to]?.band === bandId)
          if (near.length === 0) {
            key.set(i, rank[i] as number)
            continue
          }
          // A port low on a node pulls its neighbour down a little:
          const total = near.reduce((acc, e) => acc + (rank[forward ? e.from : e.to] as number) + (forward ? e.fromSlot : e.toSlot) / 16, 0)
          key.set(i, total / near.length)
        }
        column.sort((a, b) => (key.get(a) as number) - (key.get(b) as number) || (rank[a] as number) - (rank[b] as number))
        column.forEach((i, k) => (rank[i] = k))
      }
    }
    result.push(band)
  }
  return result
}
