/**
 * HTTP answers in the shapes aiohttp gives them: JSON as `json.dumps` writes it with
 * `application/json; charset=utf-8`, empty 200s, the 500 text/plain of a handler exception, 404 text.
 * @module
 */
import { INTERNAL_SERVER_ERROR_TEXT } from '../validate/index.js'
import { pyDumps } from './py-json.js'

export interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** A body, or a file to stream. */
  readonly body?: string | Buffer
  readonly file?: string
}

export function jsonReply(value: unknown, status = 200): Reply {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: pyDumps(value) }
}

export function emptyReply(status = 200): Reply {
  return { status, headers: {} }
}

export function textReply(status: number, text: string): Reply {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: text }
}

/** What aiohttp sends when a handler raises (bad JSON, wrong body shapes). */
export function internalError(): Reply {
  return { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }, body: INTERNAL_SERVER_ERROR_TEXT }
}

export function notFound(): Reply {
  return textReply(404, '404: Not Found')
}

export function fileReply(path: string, filename: string, contentType: string): Reply {
  return {
    status: 200,
    headers: { 'content-type': contentType, 'content-disposition': `filename="${filename}"` },
    file: path,
  }
}
