/**
 * Text in SVG: XML escaping (characters XML 1.0 forbids become U+FFFD), stable number formatting, and fitting
 * a label into a width without measuring fonts (an average glyph width per font size).
 * @module
 */

// Control characters other than tab/newline/return, U+FFFE/U+FFFF and unpaired surrogates are not allowed in XML 1.0:
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text safe inside an element or a quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/[&<>"']/g, (ch) => ESCAPES[ch] as string)
}

/** A coordinate with at most two decimals, `-0` as `0` (same input, same bytes). */
export function num(value: number): string {
  const rounded = Math.round(value * 100) / 100
  return Object.is(rounded, -0) ? '0' : String(rounded)
}

/** Average advance of a glyph in a sans-serif font, as a share of the font size. */
const GLYPH = 0.58

/** The estimated width of `text` at `fontSize`. */
export function textWidth(text: string, fontSize: number): number {
  return Array.from(text).length * fontSize * GLYPH
}

/** `text` on one line, cut with an ellipsis to fit `width` at `fontSize` (never splits a surrogate pair). */
export function fitText(text: string, width: number, fontSize: number): string {
  const line = text.replace(/\s*[\r\n]+\s*/g, ' ').trim()
  const chars = Array.from(line)
  const max = Math.floor(width / (fontSize * GLYPH) + 1e-6)
  if (chars.length <= max) return line
  return max <= 1 ? '' : `${chars.slice(0, max - 1).join('')}…`
}

/** `text` wrapped into at most `maxLines` lines of `width` (the last cut with an ellipsis when text is left over). */
export function wrapText(text: string, width: number, fontSize: number, maxLines: number): string[] {
  const perLine = Math.max(1, Math.floor(width / (fontSize * GLYPH)))
  const lines: string[] = []
  for (const paragraph of text.replace(/\r\n?/g, '\n').split('\n')) {
    let line: string[] = []
    for (const word of paragraph.split(/[ \t]+/)) {
      let chars = Array.from(word)
      if (line.length > 0 && line.length + 1 + chars.length > perLine) {
        lines.push(line.join(''))
        line = []
      }
      while (chars.length > perLine) {
        lines.push(chars.slice(0, perLine).join(''))
        chars = chars.slice(perLine)
      }
      line = line.length === 0 ? chars : [...line, ' ', ...chars]
    }
    lines.push(line.join(''))
    if (lines.length > maxLines) break
  }
  if (lines.length <= maxLines) return lines
  const kept = lines.slice(0, Math.max(0, maxLines))
  if (kept.length > 0) kept[kept.length - 1] = fitText(`${kept[kept.length - 1]}…`, width, fontSize).replace(/……$/, '…')
  return kept
}
