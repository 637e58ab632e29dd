/**
 * undici, loaded on the client's first request or socket rather than with `comfy-dsl/client`: it is a large
 * CommonJS tree (HTTP, fetch, WebSocket, cache, mocks), most of the entry's start-up before it was made lazy.
 * The client's own requests need only three of its files (the Agent, `request`, the error classes): about a
 * third of the whole index's load (undici-core.ts). Types come from it statically (they vanish at run time).
 * @module
 */
import type * as Undici from 'undici'
import { undiciCore, undiciCoreIfLoaded, type UndiciCore } from './undici-core.js'

export type { Undici }

let loaded: typeof Undici | undefined
let loading: Promise<typeof Undici> | undefined

/** The whole undici module, imported once: for a caller's dispatcher, FormData, undici's WebSocket. */
export function undici(): Promise<typeof Undici> {
  if (loaded !== undefined) return Promise.resolve(loaded)
  loading ??= import('undici').then((module) => (loaded = module))
  return loading
}

/** undici's error classes if undici has been loaded (error mapping after a request, which loaded it). */
export function undiciErrorsIfLoaded(): typeof Undici.errors | undefined {
  return undiciCoreIfLoaded()?.errors ?? loaded?.errors
}

/**
 * A dispatcher of the client's own, created by the first request or socket that needs it. Closing before that
 * closes nothing; a request after closing gets an already closed one, which refuses it as undici always did.
 */
export class LazyAgent {
  #agent: Undici.Dispatcher | undefined
  #closed = false

  constructor(private readonly create: (core: UndiciCore) => Undici.Dispatcher) {}

  async get(): Promise<Undici.Dispatcher> {
    if (this.#agent !== undefined) return this.#agent
    const core = await undiciCore()
    if (this.#agent === undefined) {
      this.#agent = this.create(core)
      if (this.#closed) void this.#agent.close()
    }
    return this.#agent
  }

  async close(): Promise<void> {
    this.#closed = true
    await this.#agent?.close()
  }

  async destroy(): Promise<void> {
    this.#closed = true
    await this.#agent?.destroy()
  }
}

/** A dispatcher the caller gave, or the client's own, made on first use. */
export type DispatcherSource = Undici.Dispatcher | LazyAgent
