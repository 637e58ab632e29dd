/**
 * One server of a pool: its client (replaced when the server comes back after being down), its definitions,
 * its load (the server's queue from `status` messages and `/queue`, and the pool's own jobs on it), and the
 * prompt ids the pool moved away from it, to remove from it when it answers again.
 * @module
 */
import type { DefSet } from '../../defs/model.js'
import { ComfyClient, type ComfyClientOptions } from '../client.js'
import { Endpoint } from '../endpoint.js'

/** A server of the pool: its URL, or the URL with how the pool treats it. */
export type PoolServerSpec =
  | string
  | {
      readonly url: string
      /** Sent with every request to this server (auth). */
      readonly headers?: Readonly<Record<string, string>>
      /** Relative capacity: a server of weight 2 gets twice the queue of one of weight 1 (default 1). */
      readonly weight?: number
      /** Labels a job can ask for (`{ tags: ['sdxl'] }` runs only where every tag is present). */
      readonly tags?: readonly string[]
      /** Jobs the pool keeps on this server at once, running or queued there (default: the pool's). */
      readonly maxInFlight?: number
    }

export type ServerState = 'unknown' | 'up' | 'down'

/** What the pool tells about a server. */
export interface PoolServerInfo {
  readonly url: string
  readonly state: ServerState
  readonly tags: readonly string[]
  readonly weight: number
  /** Jobs of this pool on the server (dispatched and not ended). */
  readonly inFlight: number
  readonly maxInFlight: number
  /** The server's own queue size (all clients), as last reported. */
  readonly queueRemaining: number
  /** Whether its definitions are known (it answered at least once). */
  readonly defsKnown: boolean
}

export class PoolServer {
  readonly url: string
  readonly weight: number
  readonly tags: readonly string[]
  readonly maxInFlight: number
  state: ServerState = 'unknown'
  inFlight = 0
  queueRemaining = 0
  /** Consecutive failed health checks. */
  failures = 0
  /** Dispatches so far (ties in load go to the server used least). */
  dispatched = 0
  defs: DefSet | undefined
  /** Bumped when the definitions change, so judgements made with older ones are redone. */
  defsVersion = 0
  /** Prompt ids the pool moved away while the server was unreachable: deleted from it when it answers again. */
  readonly stale = new Set<string>()
  /** Prompt ids the pool currently tracks on this server (never cleaned up as stale). */
  readonly tracked = new Set<string>()
  #client: ComfyClient | undefined
  readonly #spec: { url: string; headers?: Readonly<Record<string, string>> }
  readonly #clientOptions: Omit<ComfyClientOptions, 'url' | 'headers'>
  readonly #onStatus: (server: PoolServer) => void

  constructor(
    spec: PoolServerSpec,
    defaults: { maxInFlight: number; clientOptions: Omit<ComfyClientOptions, 'url' | 'headers'> },
    onStatus: (server: PoolServer) => void,
  ) {
    const full = typeof spec === 'string' ? { url: spec } : spec
    this.url = new Endpoint(full.url).display
    this.weight = full.weight ?? 1
    this.tags = full.tags ?? []
    this.maxInFlight = full.maxInFlight ?? defaults.maxInFlight
    this.#spec = { url: full.url, ...(full.headers === undefined ? {} : { headers: full.headers }) }
    this.#clientOptions = defaults.clientOptions
    this.#onStatus = onStatus
  }

  /** The client for the server's current life (a new one after the server was down). */
  get client(): ComfyClient {
    if (this.#client === undefined) {
      const client = new ComfyClient({ ...this.#clientOptions, ...this.#spec })
      client.on('status', (remaining) => {
        this.queueRemaining = remaining
        this.#onStatus(this)
      })
      this.#client = client
    }
    return this.#client
  }

  /** Closes the current client: its jobs end with `ClientClosedError`, which the pool answers by moving them. */
  async dropClient(): Promise<void> {
    const client = this.#client
    this.#client = undefined
    await client?.close()
  }

  /** The load with one more job, relative to the server's weight (an idle heavy server beats an idle light one). */
  get load(): number {
    const foreign = Math.max(0, this.queueRemaining - this.inFlight)
    return (this.inFlight + foreign + 1) / this.weight
  }

  get hasRoom(): boolean {
    return this.inFlight < this.maxInFlight
  }

  hasTags(tags: readonly string[]): boolean {
    return tags.every((t) => this.tags.includes(t))
  }

  info(): PoolServerInfo {
    return {
      url: this.url,
      state: this.state,
      tags: this.tags,
      weight: this.weight,
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
      queueRemaining: this.queueRemaining,
      defsKnown: this.defs !== undefined,
    }
  }
}
