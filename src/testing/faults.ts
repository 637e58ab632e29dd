/**
 * Faults the test server can inject, so clients can prove they lose no result, run no job twice and fail with
 * a typed error instead of hanging. Each fault applies `times` times (default: once), then disappears.
 * @module
 */

/** Which HTTP requests a fault hits: path without the `/api` prefix or query (`/prompt`, `/history/...` as a RegExp). */
export interface HttpMatch {
  readonly method?: 'GET' | 'POST'
  readonly path: string | RegExp
}

/** Which WebSocket message a fault hits: its type, and for `executing`/`executed` the node (`null`: the end). */
export interface MessageMatch {
  readonly type: string
  readonly node?: string | null
}

export type Fault =
  /** Answer 500 text/plain, the body aiohttp sends for a handler exception (as for invalid JSON). */
  | ({ readonly kind: 'http-500' } & HttpMatch & Times)
  /** Never answer (the request hangs until the client gives up or the server closes). */
  | ({ readonly kind: 'stall' } & HttpMatch & Times)
  /** Answer 200 application/json with a truncated, unparseable body. */
  | ({ readonly kind: 'malformed-json' } & HttpMatch & Times)
  /** Handle the request (a prompt is queued!) then drop the connection instead of answering (a lost reply). */
  | ({ readonly kind: 'drop-response' } & HttpMatch & Times)
  /** Handle the request, then hold the answer `ms` milliseconds (a slow, not dead, server). */
  | ({ readonly kind: 'slow'; readonly ms: number } & HttpMatch & Times)
  /** Answer `status` (default 502) with the request (URL with query, headers, body) echoed, as careless proxies do. */
  | ({ readonly kind: 'echo-request'; readonly status?: number } & HttpMatch & Times)
  /** Close the socket when this message is about to be sent to the client (the message is lost). */
  | ({ readonly kind: 'drop-socket'; readonly on: MessageMatch } & Times)
  /** Silently skip this message (an event the client never sees). */
  | ({ readonly kind: 'drop-message'; readonly on: MessageMatch } & Times)
  /** Before this message, send invalid JSON, a message of an unknown type and a binary frame of an unknown type. */
  | ({ readonly kind: 'garbage'; readonly on: MessageMatch } & Times)
  /** Before this message, send a text message of `bytes` bytes (a client must bound what it accepts). */
  | ({ readonly kind: 'oversized-frame'; readonly bytes: number; readonly on: MessageMatch } & Times)
  /** SaveImage reports this file name instead of the one it wrote (`../../escape.png`). */
  | ({ readonly kind: 'hostile-file-name'; readonly fileName: string } & Times)

interface Times {
  /** How many times the fault fires (default 1; `Infinity` for always). */
  readonly times?: number
}

type Armed = { fault: Fault; left: number }

const HTTP_KINDS = new Set<Fault['kind']>(['http-500', 'stall', 'malformed-json', 'drop-response', 'slow', 'echo-request'])

export class FaultPlan {
  #armed: Armed[] = []

  add(fault: Fault): void {
    this.#armed.push({ fault, left: fault.times ?? 1 })
  }

  clear(): void {
    this.#armed = []
  }

  /** The first armed HTTP fault for this request, consumed. */
  takeHttp(method: string, path: string): Fault | undefined {
    return this.#take((f) => {
      if (!HTTP_KINDS.has(f.kind)) return false
      const match = f as HttpMatch
      if (match.method !== undefined && match.method !== method) return false
      return typeof match.path === 'string' ? match.path === path : match.path.test(path)
    })
  }

  /** The first armed WebSocket fault for this message, consumed. */
  takeMessage(type: string, data: unknown): Fault | undefined {
    const node = (data as { node?: unknown } | null)?.node
    return this.#take((f) => {
      if (f.kind !== 'drop-socket' && f.kind !== 'drop-message' && f.kind !== 'garbage' && f.kind !== 'oversized-frame') return false
      if (f.on.type !== type) return false
      return f.on.node === undefined || f.on.node === node
    })
  }

  takeFileName(): string | undefined {
    const fault = this.#take((f) => f.kind === 'hostile-file-name')
    return fault?.kind === 'hostile-file-name' ? fault.fileName : undefined
  }

  #take(matches: (fault: Fault) => boolean): Fault | undefined {
    const armed = this.#armed.find((a) => a.left > 0 && matches(a.fault))
    if (armed === undefined) return undefined
    armed.left--
    if (armed.left <= 0) this.#armed = this.#armed.filter((a) => a !== armed)
    return armed.fault
  }
}
