/**
 * The WebSocket under `ComfySocket`, loaded with the first socket: `ws` by default, or undici's WebSocket over a
 * dispatcher the caller gave (so that their proxy or TLS settings apply to the socket as to the requests).
 *
 * Why `ws` by default: undici's WebSocket brings undici's fetch with it, most of a first `connect()` (225 ms
 * before, about 100 ms with `ws`, on a loaded machine: bench/peers, `PEERS=client`); and it parses every message
 * through EventTarget and WebIDL conversions, where `ws` hands over a Buffer. `ws` also reports what undici does
 * not: the real error of a failed attempt (ECONNREFUSED...) and a message over `maxPayload`.
 * @module
 */
import type { Dispatcher } from 'undici'
import type WsWebSocket from 'ws'
import { requirePackage, requireParts } from './require-part.js'
import { undici } from './undici.js'

export interface TransportEvents {
  onOpen(): void
  /** A text message as a string, a binary one as a Buffer. */
  onMessage(data: string | Buffer): void
  /** An error of the connection or of the attempt; `tooLarge` when a message exceeded the size limit. */
  onError(error: unknown, tooLarge: boolean): void
  onClose(code: number, reason: string): void
}

export interface TransportOptions {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  /** Largest message accepted (bytes); enforced by `ws` itself, and by the caller's dispatcher on the undici path. */
  readonly maxMessageSize: number
}

export interface Transport {
  send(text: string): void
  /** Closes (a close frame, the connection dropped if the server does not answer it within a second). */
  close(): void
}

export type OpenTransport = (options: TransportOptions, events: TransportEvents) => Transport

let wsOpener: Promise<OpenTransport> | undefined

/** The opener for the caller's dispatcher (undici's WebSocket), or for `ws` when there is none. */
export function loadTransport(dispatcher: Dispatcher | undefined): Promise<OpenTransport> {
  if (dispatcher !== undefined) return undici().then(({ WebSocket }) => undiciOpener(WebSocket, dispatcher))
  wsOpener ??= Promise.resolve().then(() => wsOpenerOf(requireWs()))
  return wsOpener
}

/**
 * The `ws` client class alone. Required, not imported: ws's ESM wrapper imports eight CommonJS files, each scanned
 * for its exports first; and its index also loads the server and stream halves, which a client never uses (each
 * of the two costs about a third of the load). Should a release of ws move the file, the whole package is used.
 */
function requireWs(): typeof WsWebSocket {
  const [client] = requireParts('ws', [['lib', 'websocket.js']]) ?? []
  return (typeof client === 'function' ? client : requirePackage('ws')) as typeof WsWebSocket
}

function wsOpenerOf(WebSocket: typeof WsWebSocket): OpenTransport {
  return ({ url, headers, maxMessageSize }, events) => {
    const ws = new WebSocket(url, { headers, maxPayload: maxMessageSize })
    ws.on('open', () => events.onOpen())
    ws.on('message', (data, isBinary) => events.onMessage(isBinary ? toBuffer(data) : data.toString()))
    ws.on('error', (error: Error & { code?: string }) => events.onError(error, error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'))
    ws.on('close', (code, reason) => events.onClose(code, reason.toString()))
    return {
      send: (text) => ws.send(text),
      close: () => {
        if (ws.readyState > ws.OPEN) return
        ws.close()
        // A server that never answers the close frame does not keep the connection (ws would wait 30 s):
        setTimeout(() => ws.terminate(), 1000).unref()
      },
    }
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
}

function undiciOpener(WebSocket: typeof import('undici').WebSocket, dispatcher: Dispatcher): OpenTransport {
  return ({ url, headers }, events) => {
    const ws = new WebSocket(url, { dispatcher, headers })
    ws.binaryType = 'arraybuffer'
    ws.addEventListener('open', () => events.onOpen())
    ws.addEventListener('message', (event) => {
      const data: unknown = event.data
      events.onMessage(typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer))
    })
    ws.addEventListener('error', (event) => {
      // undici's handshake errors are often empty; keep whatever it says:
      const { error, message } = event as { error?: unknown; message?: unknown }
      events.onError(error ?? (typeof message === 'string' && message !== '' ? new Error(message) : undefined), false)
    })
    ws.addEventListener('close', (event) => events.onClose(event.code, event.reason))
    return {
      send: (text) => ws.send(text),
      close: () => {
        if (ws.readyState <= ws.OPEN) ws.close()
      },
    }
  }
}
