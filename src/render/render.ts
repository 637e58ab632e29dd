/**
 * A UI (litegraph) workflow as an SVG picture in the editor's default look: groups as tinted boxes with their title,
 * links as the editor's bezier curves coloured by type, nodes as rounded boxes with a title bar, one row per input and
 * output socket and one per widget (name and value). Same workflow, same bytes. Runs anywhere (no DOM, no fonts):
 * text widths are estimated and long labels cut with an ellipsis.
 * @module
 */
import type { DefSet } from '../defs/model.js'
import type { IssuePath } from '../errors.js'
import { layoutNode, type NodeBox, type Point } from './geometry.js'
import { COLORS, METRICS, safeColor, typeColor } from './palette.js'
import { readRenderGraph, type RenderGroup, type RenderLink, type RenderNode } from './read.js'
import { escapeXml, fitText, num, textWidth, wrapText } from './svg-text.js'
import { formatValue, widgetRows, type WidgetRow } from './widgets.js'

export interface RenderOptions {
  /** Node definitions: name positional widget values of the classes they know (default: names from the file only). */
  readonly defs?: DefSet
  /** Names the document in errors and warnings. */
  readonly file?: string
  /** Space around the drawing (default 40). */
  readonly margin?: number
}

export interface RenderWarning {
  readonly code: 'dangling_link'
  readonly message: string
  readonly path: IssuePath
}

export interface RenderResult {
  readonly svg: string
  readonly width: number
  readonly height: number
  readonly nodes: number
  /** Links drawn (links to missing nodes or slots are left out, with a warning). */
  readonly links: number
  readonly groups: number
  readonly warnings: readonly RenderWarning[]
}

const { titleHeight, widgetHeight, widgetMargin, titleFont, textFont } = METRICS
const FONT = 'Inter, Arial, sans-serif'
/** Line height in text areas. */
const LINE = 15

/**
 * Draws a parsed UI workflow. Throws {@link WorkflowFormatError} (with the JSON path) for a document that cannot be
 * drawn: not a UI workflow, a node without a position, a malformed link or group.
 */
export function renderWorkflowSvg(workflow: unknown, options: RenderOptions = {}): RenderResult {
  const graph = readRenderGraph(workflow, options.file)
  const title = (node: RenderNode): string => node.title ?? node.subgraph ?? options.defs?.classes.get(node.type)?.displayName ?? node.type
  const boxes = graph.nodes.map((node) => layoutNode(node, title(node), widgetRows(node, options.defs)))
  const byId = new Map(boxes.map((box) => [box.node.id, box] as const))
  const warnings: RenderWarning[] = []
  const linkPaths: string[] = []
  // A reroute shared by several links is drawn once, in the colour of the first:
  const reroutes = new Map<string, string>()
  graph.links.forEach((link, i) => {
    const drawn = drawLink(link, byId)
    if (drawn !== undefined) {
      linkPaths.push(drawn.path)
      for (const dot of drawn.dots) if (!reroutes.has(dot.at)) reroutes.set(dot.at, dot.svg)
    }
    else warnings.push({ code: 'dangling_link', message: `link ${link.id} joins ${link.originId}:${link.originSlot} to ${link.targetId}:${link.targetSlot}, which is not in the graph; it is not drawn`, path: ['links', i] })
  })

  const margin = options.margin ?? 40
  const rects = [...boxes, ...graph.groups]
  const minX = rects.length === 0 ? 0 : Math.min(...rects.map((r) => r.x)) - margin
  const minY = rects.length === 0 ? 0 : Math.min(...rects.map((r) => r.y)) - margin
  const maxX = rects.length === 0 ? 200 : Math.max(...rects.map((r) => r.x + r.width)) + margin
  const maxY = rects.length === 0 ? 100 : Math.max(...rects.map((r) => r.y + r.height)) + margin
  const width = maxX - minX
  const height = maxY - minY

  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${num(minX)} ${num(minY)} ${num(width)} ${num(height)}" width="${num(width)}" height="${num(height)}" font-family="${FONT}">`,
    `<rect class="background" x="${num(minX)}" y="${num(minY)}" width="${num(width)}" height="${num(height)}" fill="${COLORS.background}"/>`,
    ...graph.groups.map(drawGroup),
    `<g class="links" fill="none" stroke-width="${METRICS.linkWidth}" stroke-linecap="round">`,
    ...linkPaths,
    '</g>',
    ...reroutes.values(),
    ...boxes.map(drawNode),
    '</svg>',
    '',
  ].join('\n')
  return { svg, width: Number(num(width)), height: Number(num(height)), nodes: boxes.length, links: linkPaths.length, groups: graph.groups.length, warnings }
}

function drawGroup(group: RenderGroup): string {
  const color = safeColor(group.color, COLORS.group)
  const band = group.fontSize * 1.4
  const title = fitText(group.title, group.width - 16, group.fontSize)
  return [
    `<g class="group">`,
    `<rect x="${num(group.x)}" y="${num(group.y)}" width="${num(group.width)}" height="${num(group.height)}" rx="4" fill="${escapeXml(color)}" fill-opacity="0.25" stroke="${escapeXml(color)}"/>`,
    `<rect x="${num(group.x)}" y="${num(group.y)}" width="${num(group.width)}" height="${num(Math.min(band, group.height))}" rx="4" fill="${escapeXml(color)}" fill-opacity="0.35"/>`,
    `<text x="${num(group.x + 8)}" y="${num(group.y + group.fontSize)}" font-size="${num(group.fontSize)}" fill="${COLORS.widgetText}">${escapeXml(title)}</text>`,
    `</g>`,
  ].join('\n')
}

// Litegraph's spline: control points a quarter of the distance out of the output (right) and into the input (left),
// one such curve between each two points when the link passes through reroutes.
function drawLink(link: RenderLink, byId: ReadonlyMap<string, NodeBox>): { path: string; dots: { at: string; svg: string }[] } | undefined {
  const origin = byId.get(link.originId)
  const target = byId.get(link.targetId)
  const from = origin?.output(link.originSlot)
  const to = target?.input(link.targetSlot)
  if (from === undefined || to === undefined) return undefined
  const type = link.type !== '*' ? link.type : (origin?.node.outputs[link.originSlot]?.type ?? '*')
  const color = escapeXml(typeColor(type))
  const points = [from, ...link.via, to]
  let d = `M${pt(from)}`
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as Point
    const b = points[i] as Point
    const dist = Math.hypot(b.x - a.x, b.y - a.y) * 0.25
    d += ` C${num(a.x + dist)} ${num(a.y)} ${num(b.x - dist)} ${num(b.y)} ${pt(b)}`
  }
  const dots = link.via.map((p) => ({ at: pt(p), svg: `<circle class="reroute" cx="${num(p.x)}" cy="${num(p.y)}" r="5" fill="${color}"/>` }))
  return { path: `<path class="link" data-id="${escapeXml(link.id)}" data-type="${escapeXml(type)}" d="${d}" stroke="${color}"/>`, dots }
}

function drawNode(box: NodeBox): string {
  const { node } = box
  const color = safeColor(node.color, COLORS.nodeColor)
  const bgcolor = node.mode === 4 ? COLORS.bypass : safeColor(node.bgcolor, COLORS.nodeBgcolor)
  const opacity = node.mode === 2 ? ' opacity="0.5"' : node.mode === 4 ? ' opacity="0.6"' : ''
  const kind = node.subgraph === undefined ? 'node' : 'node subgraph'
  const out = [`<g class="${kind}" data-id="${escapeXml(node.id)}"${opacity}>`, `<title>${escapeXml(`#${node.id} ${node.type}`)}</title>`]
  const r = METRICS.radius
  // A subgraph instance shows a second box behind it, like a stack of nodes:
  if (node.subgraph !== undefined) out.push(`<rect x="${num(box.x + 5)}" y="${num(box.y - 5)}" width="${num(box.width)}" height="${num(box.height)}" rx="${r}" fill="${escapeXml(color)}" stroke="${COLORS.nodeOutline}"/>`)
  const title = fitText(box.title, box.width - 36, titleFont)
  if (node.collapsed) {
    out.push(
      `<rect class="node-box" data-id="${escapeXml(node.id)}" x="${num(box.x)}" y="${num(box.y)}" width="${num(box.width)}" height="${titleHeight}" rx="${r}" fill="${escapeXml(color)}" stroke="${COLORS.nodeOutline}"/>`,
      `<circle cx="${num(box.x + 15)}" cy="${num(box.y + 15)}" r="5" fill="${COLORS.nodeOutline}"/>`,
      `<text x="${num(box.x + 28)}" y="${num(box.y + 20)}" font-size="${titleFont}" fill="${COLORS.nodeTitle}">${escapeXml(title)}</text>`,
      '</g>',
    )
    return out.join('\n')
  }
  const { x, y, width, height } = box
  out.push(
    `<rect class="node-box" data-id="${escapeXml(node.id)}" x="${num(x)}" y="${num(y)}" width="${num(width)}" height="${num(height)}" rx="${r}" fill="${escapeXml(bgcolor)}" stroke="${COLORS.nodeOutline}"/>`,
    `<path d="M${num(x)} ${num(y + titleHeight)}V${num(y + r)}Q${num(x)} ${num(y)} ${num(x + r)} ${num(y)}H${num(x + width - r)}Q${num(x + width)} ${num(y)} ${num(x + width)} ${num(y + r)}V${num(y + titleHeight)}Z" fill="${escapeXml(color)}"/>`,
    `<circle cx="${num(x + 15)}" cy="${num(y + 15)}" r="5" fill="${COLORS.nodeOutline}"/>`,
    `<text x="${num(x + 28)}" y="${num(y + 20)}" font-size="${titleFont}" fill="${COLORS.nodeTitle}">${escapeXml(title)}</text>`,
  )
  const half = width / 2 - 24
  for (const index of box.socketRows.keys()) {
    const input = node.inputs[index]
    const at = box.input(index)
    if (input === undefined || at === undefined) continue
    out.push(socket(at, input.type, input.link !== undefined), label(at.x + 10, at.y, input.name, half, 'start'))
  }
  node.outputs.forEach((output, slot) => {
    const at = box.output(slot) as Point
    out.push(socket(at, output.type, true), label(at.x - 10, at.y, output.name, half, 'end'))
  })
  const linkedWidgets = new Set(node.inputs.filter((i) => i.widget !== undefined && i.link !== undefined).map((i) => i.widget))
  box.widgets.forEach((widget, i) => {
    out.push(...drawWidget(widget, x + widgetMargin, box.widgetTops[i] as number, width - 2 * widgetMargin, box.widgetHeights[i] as number, linkedWidgets.has(widget.name)))
  })
  for (const index of box.widgetSockets.keys()) {
    const input = node.inputs[index]
    const at = box.input(index)
    if (input !== undefined && at !== undefined && input.link !== undefined) out.push(socket(at, input.type, true))
  }
  if (node.mode === 4) out.push(`<rect x="${num(x)}" y="${num(y)}" width="${num(width)}" height="${num(height)}" rx="${r}" fill="${COLORS.bypass}" fill-opacity="0.2"/>`)
  out.push('</g>')
  return out.join('\n')
}

function drawWidget(widget: WidgetRow, left: number, top: number, inner: number, height: number, linked: boolean): string[] {
  const valueColor = linked ? COLORS.widgetDisabled : COLORS.widgetText
  if (widget.multiline) {
    const lines = wrapText(formatValue(widget.value), inner - 16, textFont, Math.floor((height - 8) / LINE))
    return [
      `<rect x="${num(left)}" y="${num(top)}" width="${num(inner)}" height="${num(height)}" rx="4" fill="${COLORS.widgetBg}" stroke="${COLORS.widgetOutline}"/>`,
      ...lines.map((line, i) => `<text x="${num(left + 8)}" y="${num(top + 16 + i * LINE)}" font-size="${textFont}" fill="${valueColor}">${escapeXml(line)}</text>`),
    ]
  }
  const out = [`<rect x="${num(left)}" y="${num(top)}" width="${num(inner)}" height="${widgetHeight}" rx="${widgetHeight / 2}" fill="${COLORS.widgetBg}" stroke="${COLORS.widgetOutline}"/>`]
  const baseline = top + widgetHeight / 2 + 4
  if (widget.button) {
    out.push(`<text x="${num(left + inner / 2)}" y="${num(baseline)}" font-size="${textFont}" text-anchor="middle" fill="${COLORS.widgetText}">${escapeXml(fitText(widget.name, inner - 20, textFont))}</text>`)
    return out
  }
  // The name keeps its full width unless the value needs the room; then each gets at least a share:
  const value = formatValue(widget.value)
  const room = inner - 24 - (widget.name === '' ? 0 : 10)
  const nameWidth = widget.name === '' ? 0 : Math.min(textWidth(widget.name, textFont), Math.max(room * 0.4, room - textWidth(value, textFont)))
  if (widget.name !== '') out.push(`<text x="${num(left + 12)}" y="${num(baseline)}" font-size="${textFont}" fill="${COLORS.widgetSecondary}">${escapeXml(fitText(widget.name, nameWidth, textFont))}</text>`)
  out.push(`<text x="${num(left + inner - 12)}" y="${num(baseline)}" font-size="${textFont}" text-anchor="end" fill="${valueColor}">${escapeXml(fitText(value, room - nameWidth, textFont))}</text>`)
  return out
}

function socket(at: Point, type: string, connected: boolean): string {
  const color = escapeXml(typeColor(type))
  return connected ? `<circle cx="${num(at.x)}" cy="${num(at.y)}" r="4" fill="${color}"/>` : `<circle cx="${num(at.x)}" cy="${num(at.y)}" r="3.5" fill="none" stroke="${color}"/>`
}

function label(x: number, y: number, text: string, width: number, anchor: 'start' | 'end'): string {
  const end = anchor === 'end' ? ' text-anchor="end"' : ''
  return `<text x="${num(x)}" y="${num(y + 4)}" font-size="${textFont}"${end} fill="${COLORS.nodeText}">${escapeXml(fitText(text, width, textFont))}</text>`
}

function pt(p: Point): string {
  return `${num(p.x)} ${num(p.y)}`
}
