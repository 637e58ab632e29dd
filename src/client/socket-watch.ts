/**
 * What undici's WebSocket does not say: why a connection attempt failed (its error events carry an empty
 * TypeError) and whether the server sent a message over the size limit (undici then closes with 1006, like any
 * drop). A dispatcher of the socket's own watches its connections: their errors, and the frame headers of the
 * raw byte stream (read passively, nothing is buffered) after the 101 answer.
 * @module
 */
import type { Socket } from 'node:net'
import type * as Undici from 'undici'

export interface SocketWatch {
  /** The error of the last failed connection attempt (ECONNREFUSED...), if any. */
  connectError: Error | undefined
  /** True once the current connection announced a message larger than the limit. */
  oversized: boolean
}

/**
 * An Agent for the WebSocket only, refusing messages over `maxMessageSize`, reporting into `watch`. undici is
 * passed in: the client loads it on first use (undici.ts).
 */
export function watchedSocketAgent({ Agent, buildConnector }: typeof Undici, maxMessageSize: number, watch: SocketWatch): Undici.Agent {
  const connect = buildConnector({})
  return new Agent({
    connections: 1,
    webSocket: { maxPayloadSize: maxMessageSize },
    connect: (options, callback) =>
      connect(options, (error, socket) => {
        if (error !== null) {
          watch.connectError = error
          callback(error, null)
          return
        }
        watch.connectError = undefined
        watch.oversized = false
        const frames = new FrameSizeReader(maxMessageSize, () => (watch.oversized = true))
        ;(socket as Socket).on('data', (chunk: Buffer) => frames.feed(chunk))
        callback(null, socket)
      }),
  })
}

/** Follows frame headers in a server-to-client WebSocket byte stream, after the HTTP head. */
export class FrameSizeReader {
  #inHead = true
  #headTail = ''
  #header: number[] = []
  #skip = 0
  #message = 0
  #done = false

  constructor(
    private readonly limit: number,
    private readonly onOversized: () => void,
  ) {}

  feed(chunk: Buffer): void {
    let i = 0
    if (this.#inHead) {
      const text = this.#headTail + chunk.toString('latin1')
      const end = text.indexOf('\r\n\r\n')
      if (end < 0) {
        this.#headTail = text.slice(-3)
        return
      }
      this.#inHead = false
      i = end + 4 - this.#headTail.length
    }
    while (i < chunk.length && !this.#done) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - i)
        this.#skip -= n
        i += n
        continue
      }
      this.#header.push(chunk[i++] as number)
      const need = headerLength(this.#header)
      if (need === undefined || this.#header.length < need) continue
      this.#frame(this.#header)
      this.#header = []
    }
  }

  #frame(header: number[]): void {
    const fin = ((header[0] as number) & 0x80) !== 0
    const opcode = (header[0] as number) & 0x0f
    const length = payloadLength(header)
    this.#skip = length
    if (opcode >= 8) return
    this.#message = opcode === 0 ? this.#message + length : length
    if (this.#message > this.limit) {
      this.#done = true
      this.onOversized()
    }
    if (fin) this.#message = 0
  }
}

function headerLength(header: readonly number[]): number | undefined {
  if (header.length < 2) return undefined
  const len7 = (header[1] as number) & 0x7f
  const mask = ((header[1] as number) & 0x80) !== 0 ? 4 : 0
  return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + mask
}

function payloadLength(header: readonly number[]): number {
  const len7 = (header[1] as number) & 0x7f
  if (len7 < 126) return len7
  if (len7 === 126) return ((header[2] as number) << 8) | (header[3] as number)
  let n = 0
  for (let k = 2; k < 10; k++) n = n * 256 + (header[k] as number)
  return n
}
