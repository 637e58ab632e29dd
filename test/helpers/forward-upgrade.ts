/**
 * Forwards a WebSocket upgrade to a loopback port byte for byte, for the proxies of the tests and the soak bench:
 * the proxy can then drop the pair at will. Each socket of the pair is put in `pipes` while open.
 * @module
 */
import type { IncomingMessage } from 'node:http'
import { connect, type Socket } from 'node:net'

export function forwardUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, port: number, pipes: Set<Socket>): void {
  const upstream = connect(port, '127.0.0.1', () => {
    const lines = [`${req.method} ${req.url} HTTP/1.1`]
    for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`)
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`)
    if (head.length > 0) upstream.write(head)
    upstream.pipe(socket)
    socket.pipe(upstream)
  })
  for (const s of [socket, upstream]) {
    pipes.add(s)
    s.on('error', () => undefined)
    s.on('close', () => {
      pipes.delete(s)
      socket.destroy()
      upstream.destroy()
    })
  }
}
