/** Paths shared by the generator scripts. */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
/** The core ComfyUI snapshot shipped in the package (ComfyUI v0.26.0, 792 classes). */
export const BUNDLED_SNAPSHOT = 'snapshots/core_comfyui_v0.26.0.object_info.json'
