/**
 * The server's base URL: `http(s)://host:port`, an optional path prefix (`/api`, or a reverse proxy's folder),
 * optional credentials in the URL and query values some auth proxies want on every request.
 * @module
 */
import { inspect } from 'node:util'
import { InvalidArgumentError } from '../errors.js'
import { redactUrlText } from './secrets.js'

export class Endpoint {
  /** Origin plus path prefix, no trailing slash: `http://127.0.0.1:8188/api`. */
  readonly base: string
  /** Query parameters of the base URL, repeated on every request (auth proxies use them). */
  readonly #query: URLSearchParams
  // `Authorization: Basic ...` from credentials in the URL: private, so no inspect, log or JSON shows it.
  readonly #basicAuth: string | undefined
  readonly #credentials: readonly string[]
  /** The base URL with credentials removed and query values masked: safe for messages and logs. */
  readonly display: string

  constructor(url: string | URL) {
    let parsed: URL
    try {
      parsed = new URL(String(url))
    } catch {
      throw new InvalidArgumentError(`server URL ${JSON.stringify(redactUrlText(String(url)))} is not a valid URL`)
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      // `user:pass@host` parses with `user:` as its scheme: never echo what may be a user name.
      throw new InvalidArgumentError(`server URL must start with http:// or https:// (received ${JSON.stringify(redactUrlText(String(url)))})`)
    }
    const user = decodeURIComponent(parsed.username)
    const password = decodeURIComponent(parsed.password)
    this.#basicAuth = user || password ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : undefined
    this.#credentials = password ? [password, `${user}:${password}`] : []
    this.#query = new URLSearchParams(parsed.search)
    const prefix = parsed.pathname.replace(/\/+$/, '')
    this.base = `${parsed.protocol}//${parsed.host}${prefix}`
    const masked = [...this.#query.keys()].map((k) => `${encodeURIComponent(k)}=***`).join('&')
    this.display = `${this.base}${masked ? `?${masked}` : ''}`
  }

  /** @internal The `Authorization` value built from the URL's credentials, if any. */
  authorization(): string | undefined {
    return this.#basicAuth
  }

  /** The query values of the base URL (auth proxies' tokens), for redaction. @internal */
  secrets(): string[] {
    return [...this.#query.values(), ...this.#credentials, ...(this.#basicAuth === undefined ? [] : [this.#basicAuth])]
  }

  /** An API URL safe to print: the base URL's query values masked, the request's own query kept. */
  displayUrl(path: string, query?: Readonly<Record<string, string | number | undefined>>): string {
    const params = new URLSearchParams()
    for (const key of this.#query.keys()) params.set(key, '***')
    if (query) for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value))
    const search = params.toString().replaceAll('%2A%2A%2A', '***')
    return `${this.base}${path}${search ? `?${search}` : ''}`
  }

  toJSON(): { url: string } {
    return { url: this.display }
  }

  [inspect.custom](): string {
    return `Endpoint <${this.display}>`
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
