/**
 * The templates `img2img_default`, `inpaint_masked` and `controlnet_canny`, written in the DSL, and the
 * manifest machinery that lets tools fill their JSON without TypeScript.
 * @module
 */
import { controlnetCanny } from './controlnet-canny.js'
import { img2imgDefault } from './img2img-default.js'
import { inpaintMasked } from './inpaint-masked.js'

export { controlnetCanny, img2imgDefault, inpaintMasked }
export type { ControlNetCannyOptions } from './controlnet-canny.js'
export type { Img2ImgOptions } from './img2img-default.js'
export type { InpaintOptions } from './inpaint-masked.js'
export type { SamplingOptions } from './common.js'
export { defineTemplate } from './define.js'
export type { Bind, Binding, ParamSpec, ParamSpecs, ParamValue, RenderedTemplate, Template, TemplateDefinition } from './define.js'
export { buildManifest } from './manifest.js'
export type { ManifestParameter, ManifestTarget, TemplateManifest } from './manifest.js'
export { fillTemplate } from './fill.js'
export { TemplateParameterError } from './errors.js'

/** Every template this package ships, by name. */
export const templates = {
  img2img_default: img2imgDefault,
  inpaint_masked: inpaintMasked,
  controlnet_canny: controlnetCanny,
} as const

export type TemplateName = keyof typeof templates
