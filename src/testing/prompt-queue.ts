/**
 * The test server's queue and history, with ComfyUI's semantics: a min-heap on `(number, prompt_id)`, one
 * running item, history in completion order, and an interrupt flag that targets the running prompt.
 * @module
 */

export interface QueueItem {
  readonly number: number
  readonly promptId: string
  readonly prompt: Record<string, unknown>
  readonly extraData: Record<string, unknown>
  readonly outputs: readonly string[]
}

export interface HistoryRecord {
  readonly prompt: readonly unknown[]
  readonly outputs: Record<string, unknown>
  readonly status: { status_str: 'success' | 'error'; completed: boolean; messages: [string, Record<string, unknown>][] }
  readonly meta: Record<string, unknown>
}

export function queueTuple(item: QueueItem): unknown[] {
  return [item.number, item.promptId, item.prompt, item.extraData, item.outputs]
}

export class PromptQueue {
  #counter = 0
  #pending: QueueItem[] = []
  #running: QueueItem | undefined
  #interrupted = false
  readonly history = new Map<string, HistoryRecord>()

  /** The server's prompt counter (`PromptServer.number`): the number the next prompt without its own gets. */
  get counter(): number {
    return this.#counter
  }

  set counter(value: number) {
    this.#counter = value
  }

  get running(): QueueItem | undefined {
    return this.#running
  }

  /** The raw pending list, as `/queue` shows it. */
  get pending(): readonly QueueItem[] {
    return this.#pending
  }

  get remaining(): number {
    return this.#pending.length + (this.#running === undefined ? 0 : 1)
  }

  put(item: QueueItem): void {
    this.#pending.push(item)
  }

  /** Takes the pending item with the lowest `(number, prompt_id)`. */
  take(): QueueItem | undefined {
    if (this.#running !== undefined || this.#pending.length === 0) return undefined
    let best = 0
    for (let i = 1; i < this.#pending.length; i++) {
      const a = this.#pending[i] as QueueItem
      const b = this.#pending[best] as QueueItem
      if (a.number < b.number || (a.number === b.number && a.promptId < b.promptId)) best = i
    }
    const [item] = this.#pending.splice(best, 1)
    this.#running = item
    this.#interrupted = false
    return item
  }

  done(item: QueueItem, record: HistoryRecord): void {
    this.history.delete(item.promptId)
    this.history.set(item.promptId, record)
    if (this.#running === item) this.#running = undefined
  }

  delete(ids: readonly unknown[]): number {
    const before = this.#pending.length
    this.#pending = this.#pending.filter((item) => !ids.includes(item.promptId))
    return before - this.#pending.length
  }

  clear(): void {
    this.#pending = []
  }

  /** `/interrupt`: with an id, only when that prompt is the running one. */
  interrupt(promptId?: string): void {
    if (this.#running === undefined) return
    if (promptId === undefined || promptId === this.#running.promptId) this.#interrupted = true
  }

  get interruptRequested(): boolean {
    return this.#interrupted
  }

  /** Forgets everything, as a restarted server does. */
  reset(): void {
    this.#pending = []
    this.#running = undefined
    this.#interrupted = false
    this.#counter = 0
    this.history.clear()
  }
}
