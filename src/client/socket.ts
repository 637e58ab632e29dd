/**
 * The client's one WebSocket (`ws`, or undici's over a dispatcher the caller gave: socket-transport.ts): registered under the client's `client_id`, ready once the server's
 * first `status` message arrives, reconnected with exponential backoff whenever it drops.
 * @module
 */
import type { Dispatcher } from 'undici'
import type { Endpoint } from './endpoint.js'
import { MessageTooLargeError, ServerUnreachableError } from './errors.js'
import { parseBinaryFrame, parseTextFrame, type Frame } from './frames.js'
import { errorCode } from './http.js'
import { loadTransport, type OpenTransport, type Transport } from './socket-transport.js'

export interface ReconnectOptions {
  /** First delay after a drop or a failed attempt (ms). */
  readonly minDelay?: number
  /** Cap of the doubling delay (ms). */
  readonly maxDelay?: number
}

export interface SocketOptions {
  readonly endpoint: Endpoint
  /** The caller's dispatcher: the socket then goes through it (undici's WebSocket); otherwise `ws`. */
  readonly dispatcher: Dispatcher | undefined
  readonly headers: Readonly<Record<string, string>>
  readonly clientId: string
  /** Ask for type-4 previews (with node and prompt ids) by sending `feature_flags` first. */
  readonly previewMetadata: boolean
  /** Largest message accepted (bytes), named in errors. */
  readonly maxMessageSize: number
  readonly reconnect: ReconnectOptions
  readonly onFrame: (frame: Frame) => void
  /** The socket is open and registered; `reconnected` after a drop. */
  readonly onReady: (reconnected: boolean) => void
  /** The socket dropped (not by `close()`); events may have been missed from here on. */
  readonly onDown: (reason: string) => void
  readonly onDebug: (message: string) => void
  readonly onWarning: (message: string) => void
}

type Waiter = { resolve: () => void; reject: (error: unknown) => void }

export class ComfySocket {
  #ws: Transport | undefined
  #ready = false
  #everReady = false
  #closed = true
  #attempt = 0
  #timer: NodeJS.Timeout | undefined
  #waiters: Waiter[] = []
  /** Counts `close()` calls, so that an attempt still loading its WebSocket module when the socket closes gives up. */
  #closings = 0

  constructor(private readonly options: SocketOptions) {}

  get ready(): boolean {
    return this.#ready
  }

  /** Starts connecting (once); the socket then stays up, reconnecting after drops, until {@link close}. */
  start(): void {
    if (!this.#closed) return
    this.#closed = false
    this.#open()
  }

  /** Resolves when the socket is ready; rejects with the error of the current attempt if it fails. */
  whenReady(): Promise<void> {
    if (this.#ready) return Promise.resolve()
    this.start()
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }))
  }

  close(): void {
    this.#closed = true
    this.#closings++
    this.#ready = false
    clearTimeout(this.#timer)
    const ws = this.#ws
    this.#ws = undefined
    ws?.close()
    this.#settle(new ServerUnreachableError(this.options.endpoint.display, undefined, { cause: new Error('client closed') }))
  }

  #open(): void {
    // The WebSocket module loads with the first socket, not with the client:
    const closings = this.#closings
    loadTransport(this.options.dispatcher).then(
      (open) => {
        if (closings === this.#closings) this.#connect(open)
      },
      (error: unknown) => {
        if (closings === this.#closings) this.#failed(error)
      },
    )
  }

  #connect(open: OpenTransport): void {
    const { endpoint, headers, clientId, maxMessageSize } = this.options
    let lastError: unknown
    let tooLarge = false
    let ws: Transport | undefined
    const current = (): boolean => ws !== undefined && ws === this.#ws
    try {
      ws = open(
        { url: endpoint.socketUrl(clientId), headers, maxMessageSize },
        {
          onOpen: () => {
            if (this.options.previewMetadata) ws?.send('{"type":"feature_flags","data":{"supports_preview_metadata":true}}')
          },
          onMessage: (data) => {
            if (!current()) return
            if (!this.#ready) this.#becameReady()
            const frame = typeof data === 'string' ? parseTextFrame(data) : parseBinaryFrame(data)
            if (frame.kind === 'ignored') this.options.onDebug(`ignored WebSocket frame: ${frame.reason}`)
            else this.options.onFrame(frame)
          },
          onError: (error, oversized) => {
            lastError = error ?? lastError
            tooLarge ||= oversized
          },
          onClose: (code, reason) => {
            if (!current()) return
            this.#ws = undefined
            if (this.#closed) return
            if (tooLarge || code === 1009) {
              const error = new MessageTooLargeError(endpoint.display, maxMessageSize)
              this.options.onWarning(error.message)
              lastError = error
            }
            if (this.#ready) {
              this.#ready = false
              const why = lastError === undefined ? `code ${code}${reason ? `: ${reason}` : ''}` : describeError(lastError)
              this.options.onDown(`WebSocket closed (${why})`)
              this.#schedule()
            } else {
              this.#failed(lastError ?? new Error(`WebSocket closed during the handshake (code ${code}${reason ? `: ${reason}` : ''})`))
            }
          },
        },
      )
    } catch (error) {
      this.#failed(error)
      return
    }
    this.#ws = ws
  }

  #becameReady(): void {
    this.#ready = true
    this.#attempt = 0
    const reconnected = this.#everReady
    this.#everReady = true
    this.#settle()
    this.options.onReady(reconnected)
  }

  #failed(error: unknown): void {
    this.options.onDebug(`WebSocket attempt failed: ${describeError(error)}`)
    this.#settle(error instanceof MessageTooLargeError ? error : new ServerUnreachableError(this.options.endpoint.display, errorCode(error), { cause: error }))
    this.#schedule()
  }

  #schedule(): void {
    if (this.#closed) return
    const { minDelay = 100, maxDelay = 5000 } = this.options.reconnect
    const delay = Math.min(maxDelay, minDelay * 2 ** this.#attempt) * (0.75 + Math.random() * 0.5)
    this.#attempt++
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      if (!this.#closed) this.#open()
    }, delay)
  }

  #settle(error?: unknown): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const w of waiters) {
      if (error === undefined) w.resolve()
      else w.reject(error)
    }
  }
}

/** Every message and code along the cause chain: undici's socket errors often carry an empty message. */
export function describeError(error: unknown): string {
  const parts: string[] = []
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof Error) {
      if (e.message && !parts.includes(e.message)) parts.push(e.message)
      const code = (e as { code?: unknown }).code
      if (typeof code === 'string' && !parts.includes(code)) parts.push(code)
      const inner = (e as { errors?: unknown }).errors
      if (Array.isArray(inner) && inner.length > 0) parts.push(describeError(inner[0]))
    } else if (typeof e === 'string' && e !== '') {
      parts.push(e)
    }
  }
  const code = errorCode(error)
  if (code !== undefined && !parts.includes(code)) parts.push(code)
  return parts.length > 0 ? parts.join(': ') : `${error instanceof Error ? error.name : typeof error} without a message`
}
