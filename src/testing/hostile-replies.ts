/**
 * Answers of the test server's hostile faults: the request echoed into an error page (secrets included, as a
 * careless proxy does) and an oversized WebSocket message.
 * @module
 */
import type { IncomingMessage } from 'node:http'
import type { Reply } from './replies.js'

/** `status` with a text/plain body repeating the request line, every header and the start of the body. */
export function echoRequest(req: IncomingMessage, body: Buffer, status: number): Reply {
  const headers = Object.entries(req.headers).map(([name, value]) => `${name}: ${String(value)}`)
  const text = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}`, ...headers, '', body.subarray(0, 1024).toString('utf8')].join('\n')
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: text }
}

/** A JSON text message of about `bytes` bytes, of a type no client knows. */
export function oversizedMessage(bytes: number): string {
  const head = '{"type": "comfy-dsl.oversized", "data": {"pad": "'
  const tail = '"}}'
  return `${head}${'x'.repeat(Math.max(0, bytes - head.length - tail.length))}${tail}`
}
