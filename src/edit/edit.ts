/**
 * The edit flow: an image, prompts and a template in; an edited image, its comparison with the input, and the
 * paths out. Validates and prepares the image, uploads it (with its mask in the alpha channel for inpainting),
 * fills the template, runs it, downloads the result, restores the original size if asked, and compares.
 * @module
 */
import { access } from 'node:fs/promises'
import type { JobEventListener } from '../client/events.js'
import { sniffMime } from '../client/frames.js'
import type { JobTiming } from '../client/outputs.js'
import type { ComfyRunner } from '../client/runner.js'
import { contentName } from '../client/upload.js'
import type { ApiPrompt } from '../dsl/prompt.js'
import { InvalidArgumentError } from '../errors.js'
import {
  compareImages,
  DEFAULT_IMAGE_LIMITS,
  inspectImage,
  maskFromAlpha,
  maskFromImage,
  maskFromPolygons,
  maskFromRects,
  OutputExistsError,
  prepareImage,
  prepareMask,
  resizeMask,
  restoreSize,
  type ImageInput,
  type Mask,
  type PolygonPoint,
  type Rect,
  type RegionComparison,
} from '../images/index.js'
import { writeOutput } from '../images/output.js'
import {
  templates,
  type ControlNetCannyOptions,
  type ParamValue,
  type Img2ImgOptions,
  type InpaintOptions,
  type TemplateName,
} from '../templates/index.js'
import { EditError } from './errors.js'

/** A mask as an image (white = repaint), or shapes drawn on the original image. */
export type EditMask = ImageInput | { readonly rects: readonly Rect[] } | { readonly polygons: readonly (readonly PolygonPoint[])[] }

/** Each template's options, by name. */
export interface TemplateOptionsByName {
  readonly img2img_default: Img2ImgOptions
  readonly inpaint_masked: InpaintOptions
  readonly controlnet_canny: ControlNetCannyOptions
}

/**
 * The template options `params` may set: the chosen template's own, less those the edit flow sets from its own
 * options. Without a template, the options every template shares (seed, steps, cfg, denoise, checkpoint...).
 */
export type EditParams<T extends TemplateName> = Partial<Omit<TemplateOptionsByName[T], 'image' | 'positive' | 'negative' | 'mask' | 'maskSource' | 'controlImage'>>

export interface EditOptions<T extends TemplateName = TemplateName> {
  readonly image: ImageInput
  readonly positive: string
  readonly negative?: string
  /** Default: `inpaint_masked` when a mask is given, `img2img_default` otherwise. */
  readonly template?: T
  /** Further options of the template (seed, steps, denoise, checkpoint, ...), typed per template. */
  readonly params?: EditParams<T>
  /** inpaint_masked: the area to repaint. Without it, the image's own transparent pixels are the mask. */
  readonly mask?: EditMask
  /** controlnet_canny: the image whose edges steer the result (default: the input image). */
  readonly control?: ImageInput
  /** Where the edited image is written (PNG). */
  readonly out: string
  /** Replace `out` (and `diff`) when they exist (default false: refused before anything runs). */
  readonly overwrite?: boolean
  /** Longest side the image is fitted into before upload (default 1024); sides become multiples of 8. */
  readonly maxSide?: number
  /** Scale the result back to the input's size (default false: keep the size the workflow produced). */
  readonly restoreSize?: boolean
  /** Also write a greyscale image of the differences here. */
  readonly diff?: string
  readonly timeout?: number
  readonly signal?: AbortSignal
  readonly onEvent?: JobEventListener
  /** Called with the API prompt just before it is submitted (e.g. to label progress by class). */
  readonly onPrompt?: (prompt: ApiPrompt) => void
}

export interface EditResult {
  /** The edited image's path. */
  readonly output: string
  readonly width: number
  readonly height: number
  readonly template: TemplateName
  readonly promptId: string
  /** The size the image was uploaded at, and the size it had. */
  readonly prepared: {
    readonly width: number
    readonly height: number
    readonly originalWidth: number
    readonly originalHeight: number
  }
  /** Input vs result at the uploaded size; with a mask, also inside and outside it. */
  readonly comparison: RegionComparison & {
    readonly inside: RegionComparison | undefined
    readonly outside: RegionComparison | undefined
  }
  readonly diffPath: string | undefined
  readonly timing: JobTiming
}

// The edit flow sets these itself from its own options:
const OWN_PARAMS = ['image', 'positive', 'negative', 'mask', 'maskSource', 'controlImage']

/** Runs one edit on a client's server, or on a pool's server that can run the template. */
export async function edit<T extends TemplateName = TemplateName>(runner: Pick<ComfyRunner, 'run'>, options: EditOptions<T>): Promise<EditResult> {
  const template = options.template ?? (options.mask === undefined ? 'img2img_default' : 'inpaint_masked')
  if (!Object.hasOwn(templates, template)) {
    throw new InvalidArgumentError(`unknown template "${template}"; one of ${Object.keys(templates).join(', ')}`)
  }
  if (options.mask !== undefined && template !== 'inpaint_masked') {
    throw new InvalidArgumentError(`a mask is used by inpaint_masked, not by ${template}`)
  }
  if (options.control !== undefined && template !== 'controlnet_canny') {
    throw new InvalidArgumentError(`a control image is used by controlnet_canny, not by ${template}`)
  }
  for (const key of Object.keys(options.params ?? {})) {
    if (OWN_PARAMS.includes(key)) throw new InvalidArgumentError(`params.${key}: set by the edit flow; pass it as its own option`)
  }
  // An existing output is refused before anything is uploaded or run:
  if (!options.overwrite) {
    for (const path of [options.out, options.diff]) if (path !== undefined && (await exists(path))) throw new OutputExistsError(path)
  }

  const maxSide = options.maxSide ?? 1024
  const drawn = template === 'inpaint_masked' && options.mask !== undefined ? await readMask(options.image, options.mask) : undefined
  const prepared = await prepareImage(options.image, { maxSide, multipleOf: 8, ...(drawn ? { mask: drawn } : {}) })
  let mask: Mask | undefined
  if (template === 'inpaint_masked') {
    if (!prepared.hasAlpha) {
      throw new InvalidArgumentError('inpaint_masked needs a mask: pass `mask`, or an image whose transparent pixels mark the area to repaint')
    }
    mask = drawn ? await prepareMask(drawn, prepared.transform) : await maskFromAlpha(prepared.data)
  }

  // The images upload with the run, onto the server that runs it (a pool picks it); their content-hash names
  // are known beforehand, so the rendered prompt already carries them.
  const control = template !== 'controlnet_canny' || options.control === undefined
    ? prepared.data
    : (await prepareImage(options.control, { maxSide, multipleOf: 8, alpha: 'drop' })).data
  const values: Record<string, ParamValue> = {
    ...(options.params as Readonly<Record<string, ParamValue>> | undefined),
    image: uploadName(prepared.data),
    positive: options.positive,
    ...(options.negative === undefined ? {} : { negative: options.negative }),
  }
  if (template === 'inpaint_masked') values['maskSource'] = 'alpha'
  if (template === 'controlnet_canny') values['controlImage'] = uploadName(control)
  const rendered = templates[template].render(values as never)
  const { prompt } = rendered
  const images: Record<string, Uint8Array> = {}
  for (const binding of rendered.bindings) {
    if (binding.input !== 'image') continue
    if (binding.param === 'image') images[binding.node] = prepared.data
    if (binding.param === 'controlImage') images[binding.node] = control
  }
  options.onPrompt?.(prompt)

  const results = await runner.run(prompt, {
    images,
    // As the editor does: the saved PNG carries the graph, so dropping it into ComfyUI opens it.
    workflow: true,
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  })
  const image = results.images[0]
  if (image === undefined) throw new EditError(`the ${template} run (${results.promptId}) produced no image`)
  // Refused while it streams: a hostile or broken server cannot make the client hold more than the limit.
  const result = await image.buffer({ maxBytes: DEFAULT_IMAGE_LIMITS.maxBytes })

  const comparison = await compareImages(prepared.data, result, {
    ...(mask ? { mask } : {}),
    diff: options.diff === undefined ? false : { out: options.diff, overwrite: options.overwrite === true },
  })
  let written: { path: string; width: number; height: number }
  if (options.restoreSize) {
    const restored = await restoreSize(result, prepared.transform, { out: options.out, overwrite: options.overwrite === true })
    written = { path: restored.path as string, width: restored.width, height: restored.height }
  } else {
    written = { path: await writeOutput(options.out, result, options.overwrite === true), width: comparison.width, height: comparison.height }
  }
  return {
    output: written.path,
    width: written.width,
    height: written.height,
    template,
    promptId: results.promptId,
    prepared: {
      width: prepared.width,
      height: prepared.height,
      originalWidth: prepared.transform.originalWidth,
      originalHeight: prepared.transform.originalHeight,
    },
    comparison: {
      psnr: comparison.psnr,
      ssim: comparison.ssim,
      mae: comparison.mae,
      changedPixels: comparison.changedPixels,
      changedRatio: comparison.changedRatio,
      pixels: comparison.pixels,
      inside: comparison.inside,
      outside: comparison.outside,
    },
    diffPath: comparison.diffPath,
    timing: results.timing,
  }
}

// A mask in the original image's geometry: shapes are drawn on it, mask images are scaled to it:
async function readMask(image: ImageInput, mask: EditMask): Promise<Mask> {
  const { width, height } = await inspectImage(image)
  if (typeof mask === 'object' && mask !== null && 'rects' in mask) return maskFromRects(width, height, mask.rects)
  if (typeof mask === 'object' && mask !== null && 'polygons' in mask) return maskFromPolygons(width, height, mask.polygons)
  const read = await maskFromImage(mask as ImageInput)
  return read.width === width && read.height === height ? read : resizeMask(read, width, height)
}

function uploadName(bytes: Uint8Array): string {
  return contentName(bytes, sniffMime(bytes))
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}
