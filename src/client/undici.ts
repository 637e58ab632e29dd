/**
 * undici, loaded on the client's first request or socket rather than with `comfy-dsl/client`: it is a large
 * CommonJS tree (HTTP, fetch, WebSocket, cache, mocks), most of the entry's start-up before it was made lazy.
 * Types come from it statically (they vanish at run time).
 * @module
 */
import type * as Undici from 'undici'

export type { Undici }

let loaded: typeof Undici | undefined
let loading: Promise<typeof Undici> | undefined

/** The undici module, imported once. */
export function undici(): Promise<typeof Undici> {
  if (loaded !== undefined) return Promise.resolve(loaded)
  loading ??= import('undici').then((module) => (loaded = module))
  return loading
}

/** The undici module if it has been loaded, to use without waiting (error mapping after a request). */
export function undiciIfLoaded(): typeof Undici | undefined {
  return loaded
}

/**
 * A dispatcher of the client's own, created by the first request or socket that needs it. Closing before that
 * closes nothing; a request after closing gets an already closed one, which refuses it as undici always did.
 */
export class LazyAgent {
  #agent: Undici.Dispatcher | undefined
  #closed = false

  constructor(private readonly create: (module: typeof Undici) => Undici.Dispatcher) {}

  async get(): Promise<Undici.Dispatcher> {
    if (this.#agent !== undefined) return this.#agent
    const module = await undici()
    if (this.#agent === undefined) {
      this.#agent = this.create(module)
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

export function resolveDispatcher(source: DispatcherSource): Promise<Undici.Dispatcher> {
  return source instanceof LazyAgent ? source.get() : Promise.resolve(source)
}
