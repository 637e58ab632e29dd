/**
 * Reading the NodeDef model without the object_info parser: comma unions and which inputs are widgets.
 * Kept apart from normalize.ts so that conversion and validation do not load zod.
 * @module
 */
import type { InputDef } from './model.js'

// V3 widget types that the editor renders as widgets although they are not primitives:
const V3_WIDGET_TYPES = new Set(['COLOR', 'BOUNDING_BOX', 'CURVE', 'RANGE', 'IMAGECOMPARE', 'WEBCAM', 'MULTILINE_STRING'])

/** Splits a comma union the way the server does (`"IMAGE, MASK"` -> `["IMAGE", "MASK"]`). */
export function splitTypes(type: string): string[] {
  return type.includes(',') ? type.split(',').map((t) => t.trim()) : [type.trim()]
}

/** True for primitive and V3 widget types that the editor shows as widgets (unless `forceInput`). */
export function hasWidget(input: InputDef): boolean {
  if (input.forceInput) return false
  switch (input.kind) {
    case 'INT':
    case 'FLOAT':
    case 'STRING':
    case 'BOOLEAN':
    case 'COMBO':
    case 'DYNAMIC_COMBO':
      return true
    case 'LINK':
      return V3_WIDGET_TYPES.has(input.type) || typeof input.config['widgetType'] === 'string'
    default:
      return false
  }
}
