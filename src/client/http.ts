/**
 * HTTP over one undici dispatcher: per-request timeouts, JSON with exact 64-bit integers, and every failure
 * turned into a typed error that names the endpoint but never the auth headers.
 * @module
 */
import { inspect } from 'node:util'
import type { Dispatcher } from 'undici'
import { JsonParseError } from '../errors.js'
import { parseJson, stringifyJson, type JsonValue } from '../json/lossless.js'
import type { Endpoint } from './endpoint.js'
import { RequestTimeoutError, ServerHttpError, ServerProtocolError, ServerUnreachableError } from './errors.js'
import { Redactor } from './secrets.js'
import { LazyAgent, undici, undiciErrorsIfLoaded, type DispatcherSource } from './undici.js'
import { undiciCore } from './undici-core.js'

export type HttpMethod = 'GET' | 'POST' | 'DELETE'

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | undefined>>
  /** A JSON body (written with exact bigints) or a ready body (FormData for uploads). */
  readonly json?: unknown
  readonly body?: Dispatcher.DispatchOptions['body']
  readonly signal?: AbortSignal | undefined
  /** Overrides the client's per-request timeout (ms). */
  readonly timeout?: number | undefined
  /** Epoch ms by which the whole request (body included) must be done, kept to the millisecond (a caller's deadline). */
  readonly deadline?: number | undefined
  /** Statuses besides 2xx whose JSON body the caller handles itself (400 of `POST /prompt`). */
  readonly acceptStatus?: readonly number[]
}

export interface JsonResponse {
  readonly status: number
  readonly value: JsonValue
}

export class Http {
  // True private fields: util.inspect, console.log and JSON.stringify never see the auth headers.
  readonly #headers: Readonly<Record<string, string>>
  /** Masks the headers' values and the URL's secrets in anything shown (error bodies echoed by a server). */
  readonly redactor: Redactor

  constructor(
    readonly endpoint: Endpoint,
    readonly dispatcher: DispatcherSource,
    headers: Readonly<Record<string, string>>,
    readonly timeout: number,
  ) {
    this.#headers = headers
    this.redactor = new Redactor([...Object.values(headers), ...endpoint.secrets()])
    Object.defineProperty(this, 'redactor', { enumerable: false })
    Object.defineProperty(this, 'dispatcher', { enumerable: false })
  }

  toJSON(): { url: string; timeout: number } {
    return { url: this.endpoint.display, timeout: this.timeout }
  }

  [inspect.custom](): string {
    return `Http <${this.endpoint.display}>`
  }

  /** A request whose answer is JSON. */
  async json(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<JsonResponse> {
    const response = await this.send(method, path, options)
    const where = this.endpoint.describe(path)
    const text = await this.#readText(response, method, path, options)
    if (!isOk(response.statusCode) && !options.acceptStatus?.includes(response.statusCode)) {
      throw new ServerHttpError(method, where, response.statusCode, this.redactor.redact(text))
    }
    try {
      return { status: response.statusCode, value: parseJson(text) }
    } catch (error) {
      const reason = error instanceof JsonParseError ? error.message : 'invalid JSON'
      const snippet = this.redactor.redact(text).slice(0, 80)
      throw new ServerProtocolError(where, this.redactor.redact(`HTTP ${response.statusCode} with a body that is not JSON (${reason}): ${snippet}`))
    }
  }

  /** A request whose answer has no body worth reading (`POST /queue`, `/interrupt`, `/history`). */
  async empty(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<void> {
    const response = await this.send(method, path, options)
    const text = await this.#readText(response, method, path, options)
    if (!isOk(response.statusCode)) throw new ServerHttpError(method, this.endpoint.describe(path), response.statusCode, this.redactor.redact(text))
  }

  /** A request whose body the caller streams; non-2xx answers become {@link ServerHttpError}. */
  async stream(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<Dispatcher.ResponseData> {
    const response = await this.send(method, path, options)
    if (!isOk(response.statusCode)) {
      const text = await this.#readText(response, method, path, options)
      throw new ServerHttpError(method, this.endpoint.describe(path), response.statusCode, this.redactor.redact(text))
    }
    return response
  }

  /** Sends a request; connection failures and timeouts become typed errors. */
  async send(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<Dispatcher.ResponseData> {
    const { timeout, signal } = this.limits(options)
    let headers: Record<string, string> = this.#headers as Record<string, string>
    let body = options.body
    if (options.json !== undefined) {
      headers = { ...headers, 'content-type': 'application/json' }
      body = stringifyJson(options.json)
    }
    try {
      const href = this.endpoint.url(path, options.query)
      const common = { method, headers, body: body ?? null, headersTimeout: timeout, bodyTimeout: timeout, ...(signal === undefined ? {} : { signal }) }
      // A dispatcher the caller gave goes through the whole undici's `request`, as always (any object with
      // `dispatch`); the client's own Agent and the parts of undici it needs load with the first request:
      if (!(this.dispatcher instanceof LazyAgent)) return await (await undici()).request(href, { ...common, dispatcher: this.dispatcher })
      const [{ request }, dispatcher] = await Promise.all([undiciCore(), this.dispatcher.get()])
      const url = new URL(href)
      return await request(dispatcher, { ...common, origin: url.origin, path: `${url.pathname}${url.search}` })
    } catch (error) {
      throw this.mapError(error, method, path, timeout, options.signal, signal)
    }
  }

  /**
   * The request's timeout and signal. undici's own timers are coarse (up to a second late), so a caller's
   * deadline is kept by an abort signal of its own, which also covers reading the body.
   */
  limits(options: RequestOptions): { timeout: number; signal: AbortSignal | undefined } {
    let timeout = options.timeout ?? this.timeout
    if (options.deadline === undefined) return { timeout, signal: options.signal }
    timeout = Math.max(1, Math.min(timeout, options.deadline - Date.now()))
    const timer = AbortSignal.timeout(timeout)
    return { timeout, signal: options.signal === undefined ? timer : AbortSignal.any([options.signal, timer]) }
  }

  /** Turns an undici or system error into a typed client error (an abort by the caller passes through). */
  mapError(error: unknown, method: string, path: string, timeout: number, signal?: AbortSignal, limit?: AbortSignal): unknown {
    if (signal?.aborted && (error === signal.reason || isAbort(error))) return signal.reason
    const where = this.endpoint.describe(path)
    const timedOut = limit?.aborted === true && (limit.reason as { name?: string } | undefined)?.name === 'TimeoutError'
    // An undici error comes from a request, so undici is loaded by then:
    const undiciErrors = undiciErrorsIfLoaded()
    const undiciTimeout = undiciErrors !== undefined && (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError)
    if (timedOut || undiciTimeout) {
      return new RequestTimeoutError(method, where, timeout)
    }
    const code = errorCode(error)
    const lostSocket = undiciErrors !== undefined && (error instanceof undiciErrors.SocketError || error instanceof undiciErrors.ConnectTimeoutError)
    if (code !== undefined || lostSocket) {
      return new ServerUnreachableError(this.endpoint.display, code, { cause: error })
    }
    return error
  }

  async #readText(response: Dispatcher.ResponseData, method: string, path: string, options: RequestOptions): Promise<string> {
    try {
      return await response.body.text()
    } catch (error) {
      const deadlinePassed = options.deadline !== undefined && Date.now() >= options.deadline - 1
      if (deadlinePassed && !options.signal?.aborted) throw new RequestTimeoutError(method, this.endpoint.describe(path), options.timeout ?? this.timeout)
      throw this.mapError(error, method, path, options.timeout ?? this.timeout, options.signal)
    }
  }
}

function isOk(status: number): boolean {
  return status >= 200 && status < 300
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'UND_ERR_ABORTED')
}

/** The first system error code along the cause chain (`ECONNREFUSED`, `ENOTFOUND`, a TLS certificate code...). */
export function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && !code.startsWith('UND_ERR_') && code !== 'ABORT_ERR') return code
    // An AggregateError (happy-eyeballs over several addresses) carries the codes in `errors`:
    const inner = (e as { errors?: unknown }).errors
    if (Array.isArray(inner)) {
      const found = inner.map(errorCode).find((c) => c !== undefined)
      if (found !== undefined) return found
    }
  }
  const undiciCode = (error as { code?: unknown } | undefined)?.code
  return undiciCode === 'UND_ERR_SOCKET' || undiciCode === 'UND_ERR_CONNECT_TIMEOUT' ? undiciCode : undefined
}
