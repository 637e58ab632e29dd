// The client's requests load three of undici's files instead of its index (src/client/undici-core.ts), and fall
// back to the whole package when a release moves them. The fallback works but is slower, so an upgrade of undici
// that moves a file must show here, not only as a slower first request.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { undiciCore } from '../../src/client/undici-core.js'

const require = createRequire(import.meta.url)
const lib = join(dirname(require.resolve('undici')), 'lib')

describe('undici-core', () => {
  it('finds the Agent, request and the error classes in the files it requires from the installed undici', () => {
    expect(typeof require(join(lib, 'dispatcher', 'agent.js'))).toBe('function')
    expect(typeof require(join(lib, 'api', 'api-request.js'))).toBe('function')
    expect(typeof require(join(lib, 'core', 'errors.js')).HeadersTimeoutError).toBe('function')
  })

  it('gives the same classes as the whole package (one identity for instanceof)', async () => {
    const core = await undiciCore()
    const whole = require('undici') as typeof import('undici')
    expect(core.Agent).toBe(whole.Agent)
    expect(core.errors.HeadersTimeoutError).toBe(whole.errors.HeadersTimeoutError)
    expect(core.errors.SocketError).toBe(whole.errors.SocketError)
  })
})
