/**
 * `comfy-dsl/defs`: the node definitions of core ComfyUI (the snapshot bundled in the package), ready to use in
 * Node, a browser or a worker: `validate(prompt, coreDefs)`, `nodeFactory(coreDefs)`, `uiToApi(json, coreDefs)`.
 * They ship pre-normalized, so importing this costs a `JSON.parse` per class and no object_info parsing.
 *
 * The snapshot was taken on a server without models: file pickers (`ckpt_name`, `LoadImage.image`) list no
 * files. Validate with `{ files: 'assume-present' }` against it, or use your own server's definitions.
 * @module
 */
import type { DefSet } from '../model.js'
import { decodeDefSet } from './codec.js'
import { CORE_CLASSES, CORE_SNAPSHOT } from './snapshot.js'

/** Core ComfyUI's node definitions (version in `coreDefs.comfyuiVersion`, source hash in `coreDefs.sha256`). */
export const coreDefs: DefSet = decodeDefSet(CORE_CLASSES, CORE_SNAPSHOT)

/** The snapshot the definitions were generated from: its file in the package, ComfyUI version and sha256. */
export { CORE_CLASSES, CORE_SNAPSHOT }
