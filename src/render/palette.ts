/**
 * Colours and sizes of the ComfyUI editor's default ("dark") look: the `node_slot` link colours and `litegraph_base`
 * colours of the frontend's src/assets/palettes/dark.json, and litegraph's node metrics (title bar 30, slot rows 20,
 * widgets 20 high with 4 between them, widgets 15 in from the sides, links 3 wide, groups with a 24 px title).
 * @module
 */

/** Link and socket colour per type; other types use {@link LINK_COLOR}. */
export const LINK_TYPE_COLORS: Readonly<Record<string, string>> = {
  CLIP: '#FFD500',
  CLIP_VISION: '#A8DADC',
  CLIP_VISION_OUTPUT: '#ad7452',
  CONDITIONING: '#FFA931',
  CONTROL_NET: '#6EE7B7',
  IMAGE: '#64B5F6',
  LATENT: '#FF9CF9',
  MASK: '#81C784',
  MODEL: '#B39DDB',
  STYLE_MODEL: '#C2FFAE',
  VAE: '#FF6E6E',
  NOISE: '#B0B0B0',
  GUIDER: '#66FFFF',
  SAMPLER: '#ECB4B4',
  SIGMAS: '#CDFFCD',
  TAESD: '#DCC274',
}

export const COLORS = {
  background: '#141414',
  link: '#9A9',
  nodeTitle: '#999',
  nodeText: '#AAA',
  nodeColor: '#333',
  nodeBgcolor: '#353535',
  nodeOutline: '#666',
  bypass: '#FF00FF',
  widgetBg: '#222',
  widgetOutline: '#666',
  widgetText: '#DDD',
  widgetSecondary: '#999',
  widgetDisabled: '#666',
  socketEmpty: '#778',
  group: '#3f789e',
} as const

export const METRICS = {
  titleHeight: 30,
  slotHeight: 20,
  widgetHeight: 20,
  widgetGap: 4,
  widgetMargin: 15,
  linkWidth: 3,
  radius: 8,
  minWidth: 140,
  collapsedMinWidth: 80,
  titleFont: 14,
  textFont: 12,
} as const

/** The colour of a link or socket of this type. */
export function typeColor(type: string): string {
  return Object.hasOwn(LINK_TYPE_COLORS, type) ? (LINK_TYPE_COLORS[type] as string) : COLORS.link
}

// Hex colours, CSS colour functions of plain numbers, and colour names: anything else in a file is ignored.
const SAFE_COLOR = /^(#[0-9a-f]{3,8}|(rgb|rgba|hsl|hsla)\(\s*[-\d.%]+(\s*[,\s/]\s*[-\d.%]+){2,3}\s*\)|[a-z]{3,20})$/i

/** A colour from the file when it is a plain CSS colour, else `fallback`. */
export function safeColor(value: string | undefined, fallback: string): string {
  return value !== undefined && SAFE_COLOR.test(value.trim()) ? value.trim() : fallback
}
