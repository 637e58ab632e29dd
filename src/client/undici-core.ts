/**
 * The three parts of undici the client's own requests use: the Agent, `request` and the error classes, each
 * required from its file. undici's index also loads fetch, WebSocket, the cache, cookies and the mocks, about
 * two thirds of its load (full index 180-190 ms against 65-80 ms for these files, fresh processes, load 3).
 * Should a release of undici move a file, the whole package is used, as for `ws` (socket-transport.ts).
 * @module
 */
import type * as Undici from 'undici'
import { requirePackage, requireParts } from './require-part.js'

export interface UndiciCore {
  readonly Agent: typeof Undici.Agent
  readonly errors: typeof Undici.errors
  /** A request through `dispatcher`, `opts` as `Dispatcher.request` takes them (origin, path, method...). */
  readonly request: (dispatcher: Undici.Dispatcher, opts: Undici.Dispatcher.RequestOptions) => Promise<Undici.Dispatcher.ResponseData>
}

type RequestFile = (this: Undici.Dispatcher, opts: Undici.Dispatcher.RequestOptions) => Promise<Undici.Dispatcher.ResponseData>

let loaded: UndiciCore | undefined
let loading: Promise<UndiciCore> | undefined

/** The parts, required once (asynchronously, so that every caller waits the same way). */
export function undiciCore(): Promise<UndiciCore> {
  if (loaded !== undefined) return Promise.resolve(loaded)
  loading ??= Promise.resolve().then(() => (loaded = requireCore()))
  return loading
}

export function undiciCoreIfLoaded(): UndiciCore | undefined {
  return loaded
}

function requireCore(): UndiciCore {
  const parts = requireParts('undici', [
    ['lib', 'dispatcher', 'agent.js'],
    ['lib', 'api', 'api-request.js'],
    ['lib', 'core', 'errors.js'],
  ])
  if (parts !== undefined) {
    const [Agent, request, errors] = parts as [typeof Undici.Agent, RequestFile, typeof Undici.errors]
    if (typeof Agent === 'function' && typeof request === 'function' && typeof errors.HeadersTimeoutError === 'function') {
      return { Agent, errors, request: (dispatcher, opts) => request.call(dispatcher, opts) }
    }
  }
  // A layout this code does not know: the whole package.
  const whole = requirePackage('undici') as typeof Undici
  return { Agent: whole.Agent, errors: whole.errors, request: (dispatcher, opts) => dispatcher.request(opts) }
}
