/** Parses SVG text with saxes (a conforming, non-validating XML parser): throws on anything not well-formed. */
import { SaxesParser } from 'saxes'

export interface SvgElement {
  readonly name: string
  readonly attributes: Readonly<Record<string, string>>
  /** Text directly inside the element. */
  text: string
}

export function parseSvg(svg: string): SvgElement[] {
  const parser = new SaxesParser({ xmlns: true })
  const elements: SvgElement[] = []
  const open: SvgElement[] = []
  let failure: Error | undefined
  parser.on('error', (error) => {
    failure ??= error
  })
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {}
    for (const [name, attr] of Object.entries(tag.attributes)) attributes[name] = typeof attr === 'string' ? attr : attr.value
    const element: SvgElement = { name: tag.local ?? tag.name, attributes, text: '' }
    elements.push(element)
    open.push(element)
  })
  parser.on('text', (text) => {
    const current = open[open.length - 1]
    if (current !== undefined) current.text += text
  })
  parser.on('closetag', () => {
    open.pop()
  })
  parser.write(svg).close()
  if (failure !== undefined) throw failure
  return elements
}
