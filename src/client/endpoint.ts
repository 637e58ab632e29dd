/**
 * The server's base URL: `http(s)://host:port`, an optional path prefix (`/api`, or a reverse proxy's folder),
 * optional credentials in the URL and query values some auth proxies want on every request.
 * @module
 */
import { InvalidArgumentError } from '../errors.js'

export class Endpoint {
  /** Origin plus path prefix, no trailing slash: `http://127.0.0.1:8188/api`. */
  readonly base: string
  /** Query parameters of the base URL, repeated on every request (auth proxies use them). */
  readonly #query: URLSearchParams
  /** `Authorization: Basic ...` built from credentials in the URL, if any. */
  readonly basicAuth: string | undefined
  /** The base URL with credentials removed and query values masked: safe for messages and logs. */
  readonly display: string

  constructor(url: string | URL) {
    let parsed: URL
    try {
      parsed = new URL(String(url))
    } catch {
      throw new InvalidArgumentError(`server URL ${JSON.stringify(redact(String(url)))} is not a valid URL`)
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new InvalidArgumentError(`server URL must start with http:// or https://, received ${parsed.protocol}//...`)
    }
    this.basicAuth =
      parsed.username || parsed.password
        ? `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`
        : undefined
    this.#query = new URLSearchParams(parsed.search)
    const prefix = parsed.pathname.replace(/\/+$/, '')
    this.base = `${parsed.protocol}//${parsed.host}${prefix}`
    const masked = [...this.#query.keys()].map((k) => `${encodeURIComponent(k)}=***`).join('&')
    this.display = `${this.base}${masked ? `?${masked}` : ''}`
  }

  /** Absolute URL of an API path (`/prompt`, `/history/<id>`), with query values. */
  url(path: string, query?: Readonly<Record<string, string | number | undefined>>): string {
    const params = new URLSearchParams(this.#query)
    if (query) {
      for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value))
    }
    const search = params.toString()
    return `${this.base}${path}${search ? `?${search}` : ''}`
  }

  /** The path part for messages: never carries the base URL's query values. */
  describe(path: string): string {
    return `${this.display.replace(/\?.*$/, '')}${path}`
  }

  /** `ws(s)://.../ws?clientId=<id>`. */
  socketUrl(clientId: string): string {
    return this.url('/ws', { clientId }).replace(/^http/, 'ws')
  }
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@').replace(/\?.*$/, '?***')
}
