/**
 * `comfy-dsl/testing`: a ComfyUI-protocol server on loopback for your own tests.
 *
 * ```ts
 * const server = await startTestServer({ stepMs: 5 })
 * const client = new ComfyClient({ url: server.url })
 * server.inject({ kind: 'drop-socket', on: { type: 'executing', node: '3' } })
 * const results = await client.run(graph)
 * expect(server.executions.get(results.promptId)).toBe(1)
 * await client.close(); await server.close()
 * ```
 * @module
 */
export { startTestServer, TestServer } from './server.js'
export type { TestServerOptions } from './server.js'
export type { Fault, HttpMatch, MessageMatch } from './faults.js'
export { DEFAULT_MODELS } from './models.js'
export type { ModelFolder } from './models.js'
export { BUNDLED_OBJECT_INFO } from './object-info.js'
export { pyDumps, pyFloat } from './py-json.js'
export { readTextChunks } from './png-text.js'
