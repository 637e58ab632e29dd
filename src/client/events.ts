/**
 * Typed job events, and a listener set that doubles as an async iterator.
 * @module
 */
import type { NodeHandle } from '../dsl/output.js'
import type { JobError } from './errors.js'
import type { NodeOutputDict, NodeProgressState, PreviewMetadata } from './protocol.js'

/** Where a job stands. `unknown`: neither the queue nor the history of the server knows it. */
export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'interrupted' | 'unknown'

/** Progress of a job, as typed events (`job.on(...)`, `for await (const e of job)`). */
export type JobEvent =
  /** The server accepted the prompt. */
  | { readonly type: 'queued'; readonly number: number | undefined }
  | { readonly type: 'started'; readonly timestamp: number }
  /** Nodes served from the server's cache (a fully cached run executes nothing). */
  | { readonly type: 'cached'; readonly nodes: readonly string[] }
  | { readonly type: 'executing'; readonly nodeId: string; readonly node: NodeHandle | undefined }
  /** Step `value` of `max` (sampler steps). */
  | { readonly type: 'progress'; readonly nodeId: string | undefined; readonly value: number; readonly max: number }
  /** Every started node's progress (`progress_state`). */
  | { readonly type: 'progress_state'; readonly nodes: Readonly<Record<string, NodeProgressState>> }
  /** A preview image (binary frame type 1, or type 4 with node and prompt ids). */
  | {
      readonly type: 'preview'
      readonly nodeId: string | undefined
      readonly mime: string
      readonly image: Buffer
      readonly metadata: PreviewMetadata | undefined
    }
  /** Text a node sent while running (binary frame type 3). */
  | { readonly type: 'text'; readonly nodeId: string; readonly text: string }
  | { readonly type: 'executed'; readonly nodeId: string; readonly output: NodeOutputDict | null }
  /** The last event of every job. */
  | { readonly type: 'done'; readonly status: 'completed' | 'failed' | 'interrupted'; readonly error: JobError | undefined }

export type JobEventListener = (event: JobEvent) => void

/**
 * Keeps the events of one job (previews: only the latest), notifies listeners, and serves async iterators that
 * start from the first event, so an iterator opened late misses nothing but old previews.
 */
export class JobEventLog {
  readonly #events: JobEvent[] = []
  #latestPreview: JobEvent | undefined
  readonly #listeners = new Set<JobEventListener>()
  #ended = false

  get ended(): boolean {
    return this.#ended
  }

  push(event: JobEvent): void {
    if (this.#ended) return
    if (event.type === 'preview') this.#latestPreview = event
    else this.#events.push(event)
    if (event.type === 'done') this.#ended = true
    for (const listener of this.#listeners) {
      try {
        listener(event)
      } catch {
        // A throwing listener must not break event delivery to the others or the job itself.
      }
    }
    if (this.#ended) this.#listeners.clear()
  }

  on(listener: JobEventListener): () => void {
    if (this.#ended) return () => {}
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<JobEvent> {
    const buffered: JobEvent[] = [...this.#events]
    if (this.#latestPreview && !this.#ended) buffered.splice(buffered.length, 0, this.#latestPreview)
    let wake: (() => void) | undefined
    let finished = this.#ended && buffered.length === 0
    const off = this.on((event) => {
      buffered.push(event)
      wake?.()
    })
    const iterator: AsyncIterableIterator<JobEvent> = {
      next: async () => {
        while (buffered.length === 0) {
          if (finished || this.#ended) {
            off()
            return { done: true, value: undefined }
          }
          await new Promise<void>((resolve) => (wake = resolve))
          wake = undefined
        }
        const value = buffered.shift() as JobEvent
        if (value.type === 'done') finished = true
        return { done: false, value }
      },
      return: async () => {
        finished = true
        off()
        wake?.()
        return { done: true, value: undefined }
      },
      [Symbol.asyncIterator]: () => iterator,
    }
    return iterator
  }
}
