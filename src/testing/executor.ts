/**
 * Runs one queued prompt the way ComfyUI's PromptExecutor does, message for message: `execution_start`,
 * `execution_cached`, then per node `progress_state` / `executing` / progress and previews / `executed` /
 * `progress_state`, and finally `execution_success`, `execution_error` or `execution_interrupted`, with the
 * same events kept in the history entry. Outputs are cached by input signature, so a repeated prompt runs
 * nothing and only reports its cached outputs.
 * @module
 */
import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { postOrder } from '../graph/post-order.js'
import { ExecutionList } from './execution-list.js'
import { keyOrderOf, PyFloat, withKeyOrder } from '../validate/index.js'
import type { FaultPlan } from './faults.js'
import type { ModelCatalog } from './models.js'
import { Interrupted, NODE_IMPLEMENTATIONS, NodeException, type NodeContext, type NodeOutput } from './nodes/index.js'
import { previewJpeg, type Pixels } from './pixels.js'
import type { HistoryRecord, PromptQueue, QueueItem } from './prompt-queue.js'
import { pyDumps, pyFloat } from './py-json.js'
import type { ServerFiles } from './server-files.js'

export interface ExecutionHost {
  readonly files: ServerFiles
  readonly models: ModelCatalog
  readonly queue: PromptQueue
  readonly faults: FaultPlan
  /** Time of one sampler step and extra time of every executed node (ms). */
  readonly timing: { stepMs: number; nodeMs: number }
  /** Latent previews unless the prompt's `extra_data.preview_method` is `none`. */
  readonly previews: boolean
  /** Metadata in saved PNGs (false: ComfyUI's `--disable-metadata`). */
  readonly metadata: boolean
  /**
   * Reuse outputs of nodes whose inputs did not change since the previous prompt (ComfyUI's default "classic"
   * cache, which keeps only what the next prompt can use; `--cache-none` turns it off).
   */
  readonly cache: boolean
  /** Whether the class is an output node (they run first when ready). */
  isOutputNode(classType: string): boolean
  /** A JSON message about a prompt, routed by its `client_id` (see comfyui-protocol.md §2.13). */
  send(type: string, data: Record<string, unknown>, clientId: string | undefined): void
  /** One sampler step: `progress` plus a preview, in the order each socket expects (type 4 or type 1). */
  sendStep(progress: Record<string, unknown>, preview: { image: Buffer; metadata: Record<string, unknown> } | undefined, clientId: string | undefined): void
}

interface CacheEntry {
  readonly outputs: readonly unknown[]
  readonly ui: Readonly<Record<string, unknown>> | undefined
}

const CACHE_SIZE = 256

export class Executor {
  readonly #cache = new Map<string, CacheEntry>()
  /** How many times each prompt id started executing (a client must never make this exceed 1). */
  readonly executions = new Map<string, number>()

  constructor(private readonly host: ExecutionHost) {}

  #resetPending = false

  clearCache(): void {
    this.#cache.clear()
  }

  /** `POST /free {"free_memory": true}`: the worker resets the executor (its cache) before the next prompt. */
  resetBeforeNextRun(): void {
    this.#resetPending = true
  }

  async run(item: QueueItem): Promise<HistoryRecord> {
    const { host } = this
    const { promptId, prompt } = item
    const clientId = typeof item.extraData['client_id'] === 'string' ? item.extraData['client_id'] : undefined
    const previews = host.previews && item.extraData['preview_method'] !== 'none'
    this.executions.set(promptId, (this.executions.get(promptId) ?? 0) + 1)
    if (this.#resetPending) {
      this.#resetPending = false
      this.clearCache()
    }
    const messages: [string, Record<string, unknown>][] = []
    const event = (type: string, data: Record<string, unknown>): void => {
      messages.push([type, data])
      host.send(type, data, clientId)
    }
    event('execution_start', { prompt_id: promptId, timestamp: Date.now() })

    const order = executionOrder(prompt, item.outputs)
    const signatures = await this.#signatures(prompt, order)
    // The classic cache drops, when a prompt starts, every entry that prompt cannot use:
    const wanted = new Set(signatures.values())
    for (const key of [...this.#cache.keys()]) if (!wanted.has(key)) this.#cache.delete(key)
    const values = new Map<string, readonly unknown[]>()
    const cached: string[] = []
    for (const id of order) {
      const hit = this.#cache.get(signatures.get(id) as string)
      if (hit === undefined) continue
      cached.push(id)
      values.set(id, hit.outputs)
    }
    // The server lists cached nodes in the prompt's key order:
    const keys = keyOrderOf(prompt) ?? Object.keys(prompt)
    cached.sort((a, b) => keys.indexOf(a) - keys.indexOf(b))
    event('execution_cached', { nodes: cached, prompt_id: promptId, timestamp: Date.now() })

    // The server's progress registry is a dict: nodes in the order they started (integer-like ids included).
    const progress = new Map<string, Record<string, unknown>>()
    const progressState = (id: string, value: number | PyFloat, max: number | PyFloat, state: string): void => {
      progress.set(id, { value, max, state, node_id: id, prompt_id: promptId, display_node_id: id, parent_node_id: null, real_node_id: id })
      const nodes = withKeyOrder(Object.fromEntries(progress), [...progress.keys()])
      host.send('progress_state', { prompt_id: promptId, nodes }, clientId)
    }
    const outputs: Record<string, unknown> = {}
    const meta: Record<string, unknown> = {}
    const executed: string[] = []
    const uiOf = (id: string, ui: Readonly<Record<string, unknown>>): void => {
      outputs[id] = ui
      meta[id] = { node_id: id, display_node: id, parent_node: null, real_node_id: id }
      host.send('executed', { node: id, display_node: id, output: ui, prompt_id: promptId }, clientId)
    }
    for (const id of cached) {
      const ui = this.#cache.get(signatures.get(id) as string)?.ui
      if (ui === undefined || !item.outputs.includes(id)) continue
      uiOf(id, ui)
      progressState(id, 1, 1, 'finished')
    }

    let current = ''
    const classOf = (id: string): string => (prompt[id] as { class_type: string }).class_type
    const list = new ExecutionList(item.outputs, {
      links: (id) => linksOf(prompt, id).filter((dep) => dep in prompt),
      isOutput: (id) => host.isOutputNode(classOf(id)),
      isCached: (id) => values.has(id),
    })
    try {
      for (let id = list.next(); id !== undefined; id = list.next()) {
        if (values.has(id)) {
          list.complete(id)
          continue
        }
        current = id
        if (host.queue.interruptRequested) throw new Interrupted()
        const node = prompt[id] as { class_type: string; inputs: Record<string, unknown> }
        progressState(id, pyFloat(0), pyFloat(1), 'running')
        host.send('executing', { node: id, display_node: id, prompt_id: promptId }, clientId)
        let stepped: { value: number; max: number } | undefined
        const context: NodeContext = {
          promptId,
          nodeId: id,
          classType: node.class_type,
          prompt,
          extraData: item.extraData,
          metadata: host.metadata,
          files: host.files,
          models: host.models,
          reportedFileName: node.class_type === 'SaveImage' ? host.faults.takeFileName() : undefined,
          step: async (value, max, image) => {
            if (host.queue.interruptRequested) throw new Interrupted()
            if (host.timing.stepMs > 0) await sleep(host.timing.stepMs)
            if (host.queue.interruptRequested) throw new Interrupted()
            stepped = { value, max }
            progressState(id, value, max, 'running')
            const preview = previews ? await this.#preview(image, promptId, id) : undefined
            host.sendStep({ value, max, prompt_id: promptId, node: id }, preview, clientId)
          },
        }
        const implementation = NODE_IMPLEMENTATIONS.get(node.class_type)
        if (implementation === undefined) {
          throw new NodeException('NotImplementedError', `the comfy-dsl test server does not execute ${node.class_type} nodes`)
        }
        if (host.timing.nodeMs > 0) await sleep(host.timing.nodeMs)
        const result: NodeOutput = await implementation(resolveInputs(node.inputs, values), context)
        values.set(id, result.outputs)
        this.#remember(signatures.get(id) as string, { outputs: result.outputs, ui: result.ui })
        if (result.ui !== undefined) uiOf(id, result.ui)
        const done = stepped as { value: number; max: number } | undefined
        if (done === undefined) progressState(id, pyFloat(1), pyFloat(1), 'finished')
        else progressState(id, done.max, done.max, 'finished')
        executed.push(id)
        list.complete(id)
      }
      event('execution_success', { prompt_id: promptId, timestamp: Date.now() })
      return { prompt: historyPrompt(item), outputs, status: { status_str: 'success', completed: true, messages }, meta }
    } catch (error) {
      const node = prompt[current] as { class_type: string; inputs: Record<string, unknown> } | undefined
      const base = { prompt_id: promptId, node_id: current, node_type: node?.class_type ?? '', executed }
      if (error instanceof Interrupted) {
        const data = { ...base, timestamp: Date.now() }
        messages.push(['execution_interrupted', data])
        // Sent even to other clients when the prompt has no client_id, as the real server does:
        host.send('execution_interrupted', data, clientId)
      } else {
        const exception = error instanceof NodeException ? error : new NodeException('Exception', error instanceof Error ? error.message : String(error))
        event('execution_error', {
          ...base,
          exception_message: exception.message,
          exception_type: exception.pythonType,
          traceback: exception.traceback,
          current_inputs: currentInputs(node?.inputs ?? {}),
          current_outputs: order,
          timestamp: Date.now(),
        })
      }
      return { prompt: historyPrompt(item), outputs, status: { status_str: 'error', completed: false, messages }, meta }
    }
  }

  async #preview(image: Pixels, promptId: string, nodeId: string): Promise<{ image: Buffer; metadata: Record<string, unknown> }> {
    return {
      image: await previewJpeg(image),
      metadata: { node_id: nodeId, prompt_id: promptId, display_node_id: nodeId, parent_node_id: null, real_node_id: nodeId, image_type: 'image/jpeg' },
    }
  }

  #remember(signature: string, entry: CacheEntry): void {
    if (!this.host.cache) return
    this.#cache.delete(signature)
    this.#cache.set(signature, entry)
    if (this.#cache.size > CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value as string)
  }

  // Input signature of every node: class, literal inputs, upstream signatures, and for file loaders the file.
  async #signatures(prompt: Record<string, unknown>, order: readonly string[]): Promise<Map<string, string>> {
    const signatures = new Map<string, string>()
    for (const id of order) {
      const node = prompt[id] as { class_type: string; inputs: Record<string, unknown> }
      const parts: string[] = [node.class_type]
      for (const [name, value] of Object.entries(node.inputs ?? {})) {
        parts.push(name, isLink(value) ? `@${signatures.get(value[0]) ?? value[0]}:${value[1]}` : pyDumps(value))
      }
      if ((node.class_type === 'LoadImage' || node.class_type === 'LoadImageMask') && typeof node.inputs['image'] === 'string') {
        const path = this.host.files.annotatedPath(node.inputs['image'])
        parts.push(path === undefined ? 'missing' : await this.host.files.fingerprint(path))
      }
      signatures.set(id, createHash('sha1').update(parts.join('\u0000')).digest('hex'))
    }
    return signatures
  }
}

function historyPrompt(item: QueueItem): unknown[] {
  return [item.number, item.promptId, item.prompt, item.extraData, item.outputs]
}

/** Dependencies before dependents, walking from each output through linked inputs. */
export function executionOrder(prompt: Record<string, unknown>, outputs: readonly string[]): string[] {
  return postOrder(outputs, (id) => linksOf(prompt, id).filter((dep) => dep in prompt))
}

function linksOf(prompt: Record<string, unknown>, id: string): string[] {
  const inputs = (prompt[id] as { inputs?: Record<string, unknown> } | undefined)?.inputs ?? {}
  return Object.values(inputs).filter(isLink).map((l) => l[0])
}

function isLink(value: unknown): value is [string, number] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'number'
}

function resolveInputs(inputs: Record<string, unknown>, values: ReadonlyMap<string, readonly unknown[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(inputs)) {
    if (isLink(value)) {
      const source = values.get(value[0]) ?? []
      out[name] = source.at(value[1])
    } else {
      out[name] = plain(value)
    }
  }
  return out
}

// Literals as a node receives them: `{"__value__": [...]}` unwrapped, Python floats as numbers.
function plain(value: unknown): unknown {
  if (value instanceof PyFloat) return value.value
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && '__value__' in value) return plain((value as { __value__: unknown }).__value__)
  if (Array.isArray(value)) return value.map(plain)
  return value
}

function currentInputs(inputs: Record<string, unknown>): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {}
  for (const [name, value] of Object.entries(inputs)) if (!isLink(value)) out[name] = [plain(value)]
  return out
}
