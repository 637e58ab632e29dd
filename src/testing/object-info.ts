/**
 * The test server's `/object_info`: a real server's snapshot (the bundled ComfyUI v0.26.0 one by default) whose
 * file pickers list the test server's own model files and input images, as a real server lists its disk.
 * @module
 */
import { readFileSync } from 'node:fs'
import type { DefSet, NodeDef } from '../defs/model.js'
import { normalizeNodeDef, normalizeObjectInfo } from '../defs/normalize.js'
import { parseJson } from '../json/lossless.js'
import type { ModelCatalog, ModelFolder } from './models.js'

export { BUNDLED_OBJECT_INFO } from '../codegen/source.js'

// (class, input) pairs whose options are files of a model folder, or input images:
const FILE_INPUTS: readonly { classType: string; input: string; folder: ModelFolder | 'input' }[] = [
  { classType: 'CheckpointLoaderSimple', input: 'ckpt_name', folder: 'checkpoints' },
  { classType: 'CheckpointLoader', input: 'ckpt_name', folder: 'checkpoints' },
  { classType: 'ImageOnlyCheckpointLoader', input: 'ckpt_name', folder: 'checkpoints' },
  { classType: 'unCLIPCheckpointLoader', input: 'ckpt_name', folder: 'checkpoints' },
  { classType: 'ControlNetLoader', input: 'control_net_name', folder: 'controlnet' },
  { classType: 'DiffControlNetLoader', input: 'control_net_name', folder: 'controlnet' },
  { classType: 'LoraLoader', input: 'lora_name', folder: 'loras' },
  { classType: 'LoraLoaderModelOnly', input: 'lora_name', folder: 'loras' },
  { classType: 'VAELoader', input: 'vae_name', folder: 'vae' },
  { classType: 'UpscaleModelLoader', input: 'model_name', folder: 'upscale_models' },
  { classType: 'LoadImage', input: 'image', folder: 'input' },
  { classType: 'LoadImageMask', input: 'image', folder: 'input' },
]

type RawInfo = Record<string, Record<string, unknown>>

const parsedSnapshots = new Map<string, { raw: RawInfo; defs: DefSet }>()

/** Reads (once per process and file) and normalizes an object_info snapshot. */
function loadSnapshot(path: string): { raw: RawInfo; defs: DefSet } {
  let snapshot = parsedSnapshots.get(path)
  if (snapshot === undefined) {
    const raw = parseJson(readFileSync(path, 'utf8'), { file: path }) as unknown as RawInfo
    snapshot = { raw, defs: normalizeObjectInfo(raw, { onError: 'skip' }).defs }
    parsedSnapshots.set(path, snapshot)
  }
  return snapshot
}

export class ObjectInfoSource {
  readonly #base: { raw: RawInfo; defs: DefSet }
  readonly #models: ModelCatalog
  #cacheKey = ''
  #cache: { raw: RawInfo; defs: DefSet } | undefined

  constructor(source: string | Readonly<Record<string, unknown>>, models: ModelCatalog) {
    this.#base =
      typeof source === 'string'
        ? loadSnapshot(source)
        : { raw: source as RawInfo, defs: normalizeObjectInfo(source, { onError: 'skip' }).defs }
    this.#models = models
  }

  /** Whether the class is an output node (`OUTPUT_NODE`). */
  isOutputNode(classType: string): boolean {
    return this.#base.defs.classes.get(classType)?.outputNode === true
  }

  /** object_info and its DefSet with the file pickers listing the given input images and the catalog's models. */
  current(inputFiles: readonly string[]): { raw: RawInfo; defs: DefSet } {
    const key = inputFiles.join('\u0000')
    if (this.#cache !== undefined && key === this.#cacheKey) return this.#cache
    const raw: RawInfo = { ...this.#base.raw }
    const classes = new Map<string, NodeDef>(this.#base.defs.classes)
    const touched = new Set<string>()
    for (const { classType, input, folder } of FILE_INPUTS) {
      const info = raw[classType]
      if (info === undefined) continue
      const files = folder === 'input' ? inputFiles : this.#models.folders[folder]
      const patched = withOptions(info, input, files)
      if (patched === undefined) continue
      raw[classType] = patched
      touched.add(classType)
    }
    for (const classType of touched) classes.set(classType, normalizeNodeDef(classType, raw[classType]))
    const defs: DefSet = { ...this.#base.defs, classes }
    this.#cache = { raw, defs }
    this.#cacheKey = key
    return this.#cache
  }
}

// Replaces the option list of one combo input (V1 `[[...], {...}]` or V2 `["COMBO", {options}]`), keeping
// options the snapshot lists that are not files (VAELoader's "pixel_space"):
function withOptions(info: Record<string, unknown>, input: string, files: readonly string[]): Record<string, unknown> | undefined {
  const inputs = info['input'] as { required?: Record<string, unknown[]> } | undefined
  const spec = inputs?.required?.[input]
  if (!Array.isArray(spec)) return undefined
  const keep = (list: unknown[]): unknown[] => list.filter((o) => typeof o === 'string' && !/\.[a-z0-9]+$/i.test(o))
  let patched: unknown[]
  if (Array.isArray(spec[0])) {
    patched = [[...keep(spec[0] as unknown[]), ...files], ...spec.slice(1)]
  } else if (spec[0] === 'COMBO' && typeof spec[1] === 'object' && spec[1] !== null) {
    const options = (spec[1] as { options?: unknown[] }).options ?? []
    patched = ['COMBO', { ...(spec[1] as object), options: [...keep(options), ...files] }]
  } else {
    return undefined
  }
  return { ...info, input: { ...inputs, required: { ...inputs?.required, [input]: patched } } }
}
