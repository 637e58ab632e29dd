/**
 * Which servers can run a graph: the validator's verdict against each server's own definitions (its classes,
 * and the files it lists: checkpoints, LoRAs, input images). Images the job uploads are not on any server yet,
 * so the nodes that receive them are judged as if the file were listed.
 * @module
 */
import type { ComboInputDef, DefSet, InputDef, NodeDef } from '../../defs/model.js'
import type { ApiPrompt } from '../../dsl/prompt.js'
// The validator's own modules, not its barrel (which brings the JSON Schema export and zod):
import { formatIssue } from '../../validate/format.js'
import type { Issue } from '../../validate/types.js'
import { validate } from '../../validate/validate.js'

/** The value an uploaded image's node input holds while the graph is judged. */
export const UPLOAD_PLACEHOLDER = 'comfy-dsl-upload-placeholder.png'

export type Judgement =
  | { readonly ok: true }
  | { readonly ok: false; readonly reasons: readonly string[]; readonly issues: readonly Issue[] }

/**
 * Judges `prompt` against `defs`. `uploadTargets` are node ids whose `image` input will hold an uploaded file.
 * A server can run the graph when it would accept it with every output (none dropped).
 */
export function judge(
  prompt: ApiPrompt,
  defs: DefSet,
  uploadTargets: ReadonlySet<string>,
  options: { readonly files?: 'listed' | 'assume-present' } = {},
): Judgement {
  const judged = uploadTargets.size === 0 ? prompt : withPlaceholders(prompt, uploadTargets)
  const verdict = validate(judged, uploadTargets.size === 0 ? defs : withListedPlaceholder(defs, judged, uploadTargets), {
    lint: false,
    ...(options.files === undefined ? {} : { files: options.files }),
  })
  if (verdict.accepted && verdict.droppedOutputs.length === 0) return { ok: true }
  const reasons = verdict.issues.map((issue) => formatIssue(issue))
  if (reasons.length === 0 && verdict.error !== undefined) reasons.push(`${verdict.error.type}: ${verdict.error.message}`)
  return { ok: false, reasons: reasons.length > 0 ? reasons : ['the server would reject it'], issues: verdict.issues }
}

function withPlaceholders(prompt: ApiPrompt, targets: ReadonlySet<string>): ApiPrompt {
  const copy: ApiPrompt = { ...prompt }
  for (const id of targets) {
    const node = copy[id]
    if (node !== undefined) copy[id] = { ...node, inputs: { ...node.inputs, image: UPLOAD_PLACEHOLDER } }
  }
  return copy
}

// The classes of the upload targets list the placeholder among their `image` files:
function withListedPlaceholder(defs: DefSet, prompt: ApiPrompt, targets: ReadonlySet<string>): DefSet {
  const classes = new Map(defs.classes)
  for (const id of targets) {
    const classType = prompt[id]?.class_type
    const def = classType === undefined ? undefined : classes.get(classType)
    if (def === undefined || classType === undefined) continue
    classes.set(classType, listPlaceholder(def))
  }
  return { ...defs, classes }
}

function listPlaceholder(def: NodeDef): NodeDef {
  const inputs = def.inputs.map((input): InputDef => {
    if (input.name !== 'image' || input.kind !== 'COMBO' || input.options.includes(UPLOAD_PLACEHOLDER)) return input
    return { ...input, options: [...input.options, UPLOAD_PLACEHOLDER] } satisfies ComboInputDef
  })
  return { ...def, inputs }
}
