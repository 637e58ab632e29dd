/**
 * A hostile HTTP + WebSocket proxy for the client tests, written apart from the test server's own fault switches:
 * each request goes through `decide`, which may forward it, lose the answer after the server acted, stall it,
 * delay it, rewrite the answer or answer itself. WebSocket upgrades are piped as raw TCP and can be cut or refused.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { forwardUpgrade } from '../helpers/forward-upgrade.js'

export interface ProxyRequest {
  readonly method: string
  /** Path without query or `/api` prefix. */
  readonly path: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
}

export interface Answer {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body: Buffer | string
}

export type Action =
  | { readonly kind: 'forward' }
  /** Forward, let the server act, then drop the connection instead of answering. */
  | { readonly kind: 'lose' }
  /** Never answer (and never forward). */
  | { readonly kind: 'stall' }
  /** Forward, then hold the answer this long. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Forward, then answer with what `rewrite` makes of the server's answer. */
  | { readonly kind: 'rewrite'; readonly rewrite: (answer: Answer) => Answer }
  /** Answer without forwarding. */
  | { readonly kind: 'respond'; readonly answer: Answer }
  /** Answer with a stream of `bytes` zero bytes, produced lazily (a huge download). */
  | { readonly kind: 'huge'; readonly bytes: number; readonly contentType: string }

export type Decide = (request: ProxyRequest) => Action | undefined

export class HostileProxy {
  decide: Decide = () => undefined
  /** Refuse WebSocket upgrades (the socket stays down; the client polls). */
  refuseSockets = false
  readonly #server: Server
  readonly #pipes = new Set<Socket>()
  readonly #held = new Set<ServerResponse>()
  #port = 0

  constructor(readonly upstreamPort: number) {
    this.#server = createServer((req, res) => void this.#onRequest(req, res))
    this.#server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.#onUpgrade(req, socket, head))
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`
  }

  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(port, '127.0.0.1', resolve))
    const address = this.#server.address()
    this.#port = typeof address === 'object' && address !== null ? address.port : port
  }

  /** Cuts every piped WebSocket connection. */
  dropSockets(): void {
    for (const socket of this.#pipes) socket.destroy()
    this.#pipes.clear()
  }

  async close(): Promise<void> {
    this.dropSockets()
    for (const res of this.#held) res.destroy()
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const url = req.url ?? '/'
    const pathname = new URL(url, 'http://x').pathname
    const request: ProxyRequest = {
      method: req.method ?? 'GET',
      path: pathname.startsWith('/api/') ? pathname.slice(4) : pathname,
      url,
      headers: req.headers,
      body: Buffer.concat(chunks),
    }
    const action = this.decide(request) ?? { kind: 'forward' }
    try {
      switch (action.kind) {
        case 'stall':
          this.#held.add(res)
          res.on('close', () => this.#held.delete(res))
          return
        case 'respond':
          return send(res, action.answer)
        case 'huge':
          return streamZeros(res, action.bytes, action.contentType)
        default:
          break
      }
      const answer = await this.#forward(request)
      if (action.kind === 'lose') {
        req.socket.destroy()
        return
      }
      if (action.kind === 'delay') await new Promise((r) => setTimeout(r, action.ms))
      send(res, action.kind === 'rewrite' ? action.rewrite(answer) : answer)
    } catch {
      res.destroy()
    }
  }

  #forward(request: ProxyRequest): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers = { ...request.headers, host: `127.0.0.1:${this.upstreamPort}` }
      const out = httpRequest({ host: '127.0.0.1', port: this.upstreamPort, method: request.method, path: request.url, headers }, (answer) => {
        const chunks: Buffer[] = []
        answer.on('data', (c: Buffer) => chunks.push(c))
        answer.on('end', () => {
          const h: Record<string, string> = {}
          for (const [k, v] of Object.entries(answer.headers)) if (typeof v === 'string' && k !== 'content-length' && k !== 'transfer-encoding') h[k] = v
          resolve({ status: answer.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) })
        })
        answer.on('error', reject)
      })
      out.on('error', reject)
      out.end(request.body)
    })
  }

  #onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    if (this.refuseSockets) {
      // Node takes its error listener off a socket it hands to 'upgrade': a client that resets the connection
      // (closed while the 503 is on its way) would otherwise be an uncaught ECONNRESET in the test process.
      socket.on('error', () => undefined)
      socket.end('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n')
      return
    }
    forwardUpgrade(req, socket, head, this.upstreamPort, this.#pipes)
  }
}

export async function startHostileProxy(upstreamPort: number): Promise<HostileProxy> {
  const proxy = new HostileProxy(upstreamPort)
  await proxy.listen()
  return proxy
}

function send(res: ServerResponse, answer: Answer): void {
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body
  res.writeHead(answer.status, { ...answer.headers, 'content-length': body.length })
  res.end(body)
}

function streamZeros(res: ServerResponse, bytes: number, contentType: string): void {
  res.writeHead(200, { 'content-type': contentType, 'content-length': bytes })
  const chunk = Buffer.alloc(64 * 1024)
  let left = bytes
  const pump = (): void => {
    while (left > 0) {
      const part = left >= chunk.length ? chunk : chunk.subarray(0, left)
      left -= part.length
      if (!res.write(part)) {
        res.once('drain', pump)
        return
      }
    }
    res.end()
  }
  res.on('error', () => undefined)
  pump()
}
