/**
 * What `enqueue` takes, made into job data: a graph (DSL nodes or API JSON) or a template with parameters,
 * rendered to API JSON; input images resolved to the nodes that load them, read into the job (within a size
 * limit) or kept as URLs for the worker to download.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { preparePrompt, withImageInputs, type GraphInput } from '../client/graph.js'
import type { ApiPrompt } from '../dsl/prompt.js'
import { describeValue } from '../errors.js'
import { stringifyJson } from '../json/lossless.js'
import { templates, type ParamValue, type TemplateName } from '../templates/index.js'
import { QueueInputError } from './errors.js'
import type { QueueImage } from './job-data.js'

/** An input image: bytes, a file path (read by the producer), or a URL the worker downloads. */
export type QueueImageSource = Uint8Array | string | URL | { readonly url: string }

/** A template of `comfy-dsl/templates` with its parameters. */
export interface TemplateInput {
  readonly template: TemplateName
  readonly params?: Readonly<Record<string, ParamValue>>
}

export type EnqueueInput = GraphInput | TemplateInput

export interface PreparedJob {
  readonly prompt: ApiPrompt
  readonly promptText: string
  readonly images: readonly QueueImage[]
  /** Node ids whose `image` input takes an upload. */
  readonly targets: ReadonlySet<string>
  readonly template: string | undefined
}

const PLACEHOLDER = 'comfy-dsl-queue-placeholder.png'

export async function prepareJob(
  input: EnqueueInput,
  images: Readonly<Record<string, QueueImageSource>> | undefined,
  maxImageBytes: number,
): Promise<PreparedJob> {
  let prompt: ApiPrompt
  let bindings: readonly { param: string; node: string; input: string }[] = []
  let template: string | undefined
  if (isTemplateInput(input)) {
    if (!Object.hasOwn(templates, input.template)) {
      throw new QueueInputError(`unknown template ${JSON.stringify(input.template)}; one of ${Object.keys(templates).join(', ')}`)
    }
    const rendered = templates[input.template].render((input.params ?? {}) as never)
    prompt = rendered.prompt
    bindings = rendered.bindings
    template = input.template
  } else {
    prompt = preparePrompt(input).prompt
  }

  const resolved: QueueImage[] = []
  const targets = new Set<string>()
  let total = 0
  for (const [label, source] of Object.entries(images ?? {})) {
    const nodes = bindings.filter((b) => b.param === label && b.input === 'image').map((b) => b.node)
    const ids = nodes.length > 0 ? nodes : [targetOf(prompt, label)]
    const travel = await readSource(label, source)
    if (travel.bytes !== undefined) {
      total += travel.bytes.length
      if (total > maxImageBytes) {
        throw new QueueInputError(
          `image "${label}": the job's images exceed ${maxImageBytes} bytes (the limit of what travels in Redis); pass a URL instead`,
        )
      }
    }
    for (const target of ids) {
      targets.add(target)
      resolved.push({ target, label, ...(travel.bytes === undefined ? { url: travel.url as string } : { bytes: travel.bytes.toString('base64') }) })
    }
  }
  return { prompt, promptText: stringifyJson(prompt), images: resolved, targets, template }
}

function isTemplateInput(input: EnqueueInput): input is TemplateInput {
  return typeof input === 'object' && input !== null && !Array.isArray(input) && typeof (input as { template?: unknown }).template === 'string'
}

// The node a name designates (node id or title), which must have an `image` input.
function targetOf(prompt: ApiPrompt, label: string): string {
  let marked: ApiPrompt
  try {
    marked = withImageInputs({ prompt, nodes: new Map() }, new Map([[label, PLACEHOLDER]]))
  } catch (error) {
    throw new QueueInputError(`image "${label}": ${(error as Error).message}`, [], { cause: error })
  }
  const id = Object.keys(marked).find((k) => marked[k] !== prompt[k])
  if (id === undefined) throw new QueueInputError(`image "${label}" matches no node of the prompt`)
  return id
}

async function readSource(label: string, source: QueueImageSource): Promise<{ bytes?: Buffer; url?: string }> {
  if (source instanceof Uint8Array) {
    if (source.length === 0) throw new QueueInputError(`image "${label}" is empty`)
    return { bytes: Buffer.from(source.buffer, source.byteOffset, source.byteLength) }
  }
  if (source instanceof URL || (typeof source === 'object' && source !== null && typeof (source as { url?: unknown }).url === 'string')) {
    const text = source instanceof URL ? source.href : (source as { url: string }).url
    let url: URL
    try {
      url = new URL(text)
    } catch {
      throw new QueueInputError(`image "${label}": ${JSON.stringify(text)} is not a valid URL`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new QueueInputError(`image "${label}": only http(s) URLs can be downloaded by workers`)
    return { url: url.href }
  }
  if (typeof source === 'string') {
    try {
      const bytes = await readFile(source)
      if (bytes.length === 0) throw new QueueInputError(`image "${label}" is empty`, [], { file: source })
      return { bytes }
    } catch (error) {
      if (error instanceof QueueInputError) throw error
      throw new QueueInputError(`image "${label}": cannot read the file (${(error as { code?: string }).code ?? 'unreadable'})`, [], { file: source, cause: error })
    }
  }
  throw new QueueInputError(`image "${label}": expected bytes, a file path or a URL, received ${describeValue(source)}`)
}
