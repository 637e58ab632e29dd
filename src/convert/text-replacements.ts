/**
 * The editor's `%...%` replacements in the `filename_prefix` of save nodes (and in primitive nodes that ask for
 * them): `%date:yyyy-MM-dd%` is the local date and time, `%Node.widget%` the value of a widget of the node whose
 * "Node name for S&R" property, else title, is `Node`. Unknown patterns stay as they are.
 * @module
 */

/** Save classes whose `filename_prefix` the editor runs through the replacements when queueing. */
export const SAVE_NODE_TYPES: ReadonlySet<string> = new Set([
  'SaveImage',
  'SaveImageAdvanced',
  'SaveSVGNode',
  'SaveVideo',
  'SaveAnimatedWEBP',
  'SaveWEBM',
  'SaveAudio',
  'SaveAudioMP3',
  'SaveAudioOpus',
  'SaveAudioAdvanced',
  'SaveGLB',
  'SaveAnimatedPNG',
  'CLIPSave',
  'VAESave',
  'ModelSave',
  'LoraSave',
  'SaveLatent',
])

/** A node as the replacements see it. */
export interface ReplacementSource {
  /** The node's "Node name for S&R" property. */
  readonly searchName: string | undefined
  readonly title: string
  /** Widget values by name (computed on demand). */
  widgets(): ReadonlyMap<string, unknown>
}

export interface ReplacementResult {
  readonly text: string
  /** True when a `%date:...%` pattern made the result depend on the clock. */
  readonly usedDate: boolean
}

const PATTERN = /%([^%]+)%/g
// Characters a widget value may not bring into a file name:
const UNSAFE = /[/?<>\\:*|"\x00-\x1F\x7F]/g
const DATE_TOKENS = /dd?|MM?|hh?|mm?|ss?|yyy?y?/g

/** Applies the replacements to `value`, taking widget values from `nodes` and the time from `now`. */
export function applyTextReplacements(value: string, nodes: readonly ReplacementSource[], now: () => Date): ReplacementResult {
  let usedDate = false
  const text = value.replace(PATTERN, (match, inner: string) => {
    const parts = inner.split('.')
    if (parts.length !== 2) {
      if (!inner.startsWith('date:')) return match
      usedDate = true
      return formatDate(inner.slice('date:'.length), now())
    }
    const [name, widget] = parts as [string, string]
    const byName = nodes.filter((n) => n.searchName === name)
    const node = (byName.length > 0 ? byName : nodes.filter((n) => n.title === name))[0]
    const widgets = node?.widgets()
    if (widgets === undefined || !widgets.has(widget)) return match
    return String(widgets.get(widget) ?? '').replace(UNSAFE, '_')
  })
  return { text, usedDate }
}

function formatDate(format: string, date: Date): string {
  return format.replace(DATE_TOKENS, (token) => {
    if (token === 'yy') return String(date.getFullYear()).slice(2)
    if (token === 'yyyy') return String(date.getFullYear())
    const value = { d: date.getDate(), M: date.getMonth() + 1, h: date.getHours(), m: date.getMinutes(), s: date.getSeconds() }[token[0] as 'd']
    return value === undefined ? token : String(value).padStart(token.length, '0')
  })
}
