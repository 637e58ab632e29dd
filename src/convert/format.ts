/**
 * Tells API prompts from UI workflows, and checks the shape of an API prompt.
 * @module
 */
import type { ApiNode, ApiPrompt } from '../dsl/prompt.js'
import { describeValue, WorkflowFormatError, type IssuePath } from '../errors.js'
import { assertJsonDepth } from '../json/depth.js'

/** `api`: `{id: {class_type, inputs}}` (or a `POST /prompt` body holding one); `ui`: a litegraph workflow. */
export type WorkflowFormat = 'api' | 'ui'

export interface FormatOptions {
  /** Names the document in errors. */
  readonly file?: string
}

/**
 * Detects the format of a parsed workflow document. Throws {@link WorkflowFormatError} naming the file and the
 * first value that fits neither format.
 */
export function detectFormat(json: unknown, options: FormatOptions = {}): WorkflowFormat {
  const fail = (path: IssuePath, reason: string): never => {
    throw new WorkflowFormatError(reason, withFile(path, options.file))
  }
  if (!isObject(json)) {
    return fail([], `expected a JSON object (an API prompt or a UI workflow), found ${describeValue(json)}`)
  }
  if ('nodes' in json) {
    if (!Array.isArray(json['nodes'])) return fail(['nodes'], `expected the list of UI nodes, found ${describeValue(json['nodes'])}`)
    return 'ui'
  }
  if (isRequestBody(json)) return 'api'
  // A workflow document without nodes (the editor loads it as an empty graph):
  if (UI_KEYS.some((key) => key in json) && !Object.values(json).some((v) => isObject(v) && typeof v['class_type'] === 'string')) return 'ui'
  for (const [id, node] of Object.entries(json)) {
    if (!isObject(node) || typeof node['class_type'] !== 'string') {
      return fail(
        [id],
        `neither an API prompt (each node {"class_type", "inputs"}) nor a UI workflow ("nodes", "links"): found ${describeValue(node)}`,
      )
    }
  }
  return 'api'
}

/**
 * The API prompt in a document: the document itself, or the `prompt` of a `POST /prompt` body. Checks that every
 * node has a string `class_type` and an `inputs` object (what the server indexes without checking). Throws
 * {@link WorkflowFormatError}, or {@link JsonDepthError} for nesting deeper than 1,000 levels, with the path.
 */
export function readApiPrompt(json: unknown, options: FormatOptions = {}): ApiPrompt {
  const fail = (path: IssuePath, reason: string): never => {
    throw new WorkflowFormatError(reason, withFile(path, options.file))
  }
  if (!isObject(json)) return fail([], `expected an API prompt object, found ${describeValue(json)}`)
  // Import, conversion and writing walk values recursively: refuse absurd nesting here, with its path.
  assertJsonDepth(json, options.file === undefined ? {} : { file: options.file })
  const body = isRequestBody(json)
  const prompt = body ? (json['prompt'] as Record<string, unknown>) : json
  const base: IssuePath = body ? ['prompt'] : []
  for (const [id, node] of Object.entries(prompt)) {
    if (!isObject(node)) return fail([...base, id], `expected a node {"class_type", "inputs"}, found ${describeValue(node)}`)
    if (typeof node['class_type'] !== 'string' || node['class_type'] === '') {
      fail([...base, id, 'class_type'], `expected the node's class name, found ${describeValue(node['class_type'])}`)
    }
    if (!isObject(node['inputs'])) fail([...base, id, 'inputs'], `expected an object of inputs, found ${describeValue(node['inputs'])}`)
    const meta = node['_meta']
    if (meta !== undefined && !isObject(meta)) fail([...base, id, '_meta'], `expected an object, found ${describeValue(meta)}`)
  }
  return prompt as Record<string, ApiNode>
}

// `{"prompt": {...}, "client_id"?, "extra_data"?}` as sent to POST /prompt; a node is never named "prompt" with
// a prompt inside, so the inner object having no class_type decides:
function isRequestBody(json: Record<string, unknown>): boolean {
  const prompt = json['prompt']
  return isObject(prompt) && typeof prompt['class_type'] !== 'string'
}

// Keys only a UI workflow document has at its top level:
const UI_KEYS = ['last_node_id', 'last_link_id', 'links', 'groups', 'definitions', 'state']

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function withFile(path: IssuePath, file: string | undefined): { path: IssuePath; file?: string } {
  return file === undefined ? { path } : { path, file }
}
