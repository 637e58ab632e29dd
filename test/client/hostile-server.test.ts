/**
 * The client against answers a real server never gives: wrong shapes, echoed secrets, same-named outputs,
 * oversized frames and downloads, entries that are not files, a server that dies. Each through a hostile proxy
 * or server written here, over real loopback sockets.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { WebSocketServer } from 'ws'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runCommand as runCliCommand } from '../../src/cli/commands/run.js'
import {
  ComfyClient,
  DownloadTooLargeError,
  MessageTooLargeError,
  PromptRejectedError,
  ServerHttpError,
  ServerProtocolError,
  ServerUnreachableError,
} from '../../src/client/index.js'
import { InvalidArgumentError } from '../../src/errors.js'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import { runCommand } from '../helpers/cli.js'
import { invertGraph, n, samplerGraph } from './helpers.js'
import { startHostileProxy, type Answer, type HostileProxy, type ProxyRequest } from './hostile-proxy.js'

const TOKEN = 'tok-5ecret-abcdef'
const BEARER = 'bearer-s3cr3t-value'
let server: TestServer
let proxy: HostileProxy
let dir: string
const clients: ComfyClient[] = []

function client(options: Partial<ConstructorParameters<typeof ComfyClient>[0]> = {}): ComfyClient {
  const c = new ComfyClient({ url: proxy.url, timeout: 2000, pollInterval: 50, reconnect: { minDelay: 20, maxDelay: 100 }, ...options })
  clients.push(c)
  return c
}

// The request as a careless proxy echoes it into an error page: URL (with its query) and every header.
function echo(r: ProxyRequest): string {
  return `${r.method} ${r.url}\n${Object.entries(r.headers).map(([k, v]) => `${k}: ${String(v)}`).join('\n')}\n${r.body.toString().slice(0, 200)}`
}

beforeAll(async () => {
  server = await startTestServer({ stepMs: 1 })
  proxy = await startHostileProxy(server.port)
  dir = mkdtempSync(join(tmpdir(), 'comfy-hostile-server-'))
})

afterEach(async () => {
  proxy.decide = () => undefined
  proxy.refuseSockets = false
  await Promise.all(clients.splice(0).map((c) => c.close()))
})

afterAll(async () => {
  await proxy.close()
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

// Two SaveImage nodes whose prefixes differ only by subfolder: both write img_00001_.png.
function catsAndDogs(): { prompt: Record<string, unknown>; saves: ReturnType<typeof n>[] } {
  const load = n('LoadImage', { image: 'example.png' })
  const invert = n('ImageInvert', { image: load.out(0) })
  const cats = n('SaveImage', { images: load.out(0), filename_prefix: `cats${Date.now()}/img` })
  const dogs = n('SaveImage', { images: invert.out(0), filename_prefix: `dogs${Date.now()}/img` })
  return { prompt: {}, saves: [cats, dogs] }
}

describe('outputs never overwrite each other', () => {
  it('saveAll keeps same-named outputs of two subfolders apart', async () => {
    const c = client()
    const results = await c.run(catsAndDogs().saves, { timeout: 20_000 })
    expect(results.files.map((f) => f.filename)).toEqual(['img_00001_.png', 'img_00001_.png'])
    const out = join(dir, 'saveall')
    const paths = await results.saveAll(out)
    expect(new Set(paths).size).toBe(2)
    expect(paths.every((p) => p.startsWith(out))).toBe(true)
    const [a, b] = paths.map((p) => readFileSync(p))
    expect(a?.equals(b as Buffer)).toBe(false)
  })

  it('run --out writes both, and prints paths, not one path twice', async () => {
    const load = { class_type: 'LoadImage', inputs: { image: 'example.png' } }
    const stamp = Date.now()
    const workflow = {
      '1': load,
      '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
      '3': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: `cli-cats${stamp}/img` } },
      '4': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: `cli-dogs${stamp}/img` } },
    }
    const file = join(dir, 'cats-dogs.json')
    writeFileSync(file, JSON.stringify(workflow))
    const out = join(dir, 'cli-out')
    const result = await runCommand(['run', file, '--out', out, '--server', server.url], { only: [runCliCommand], cwd: dir })
    expect(result.code).toBe(0)
    const lines = result.stdout.split('\n').filter((l) => l.startsWith(out))
    expect(new Set(lines).size).toBe(2)
    for (const line of lines) expect(readFileSync(line).length).toBeGreaterThan(0)
  })
})

describe('secrets are never shown', () => {
  it('inspect, console.log and JSON of the client and its endpoint hide headers and credentials', () => {
    const c = new ComfyClient({ url: `http://alice:pa55word-xyz@127.0.0.1:1/?token=${TOKEN}`, headers: { authorization: `Bearer ${BEARER}` } })
    clients.push(c)
    const shown = [inspect(c, { depth: 10, showHidden: true }), JSON.stringify(c), JSON.stringify(c.endpoint), inspect(c.endpoint), inspect(c.http, { depth: 10 }), JSON.stringify(c.http)]
    for (const text of shown) {
      expect(text).not.toContain(BEARER)
      expect(text).not.toContain('pa55word-xyz')
      expect(text).not.toContain(TOKEN)
      expect(text).not.toContain(Buffer.from('alice:pa55word-xyz').toString('base64'))
    }
    expect(Object.keys(c.endpoint)).not.toContain('basicAuth')
  })

  it('errors whose bodies echo the request carry no token, header or password', async () => {
    const c = client({ url: `http://bob:hunter2-pass@${proxy.url.slice(7)}/?token=${TOKEN}`, headers: { 'x-api-key': BEARER } })
    proxy.decide = (r) => (r.path === '/queue' ? { kind: 'respond', answer: { status: 502, body: echo(r) } } : undefined)
    const httpError = (await c.queue().catch((e: unknown) => e)) as ServerHttpError
    expect(httpError).toBeInstanceOf(ServerHttpError)
    proxy.decide = (r) => (r.path === '/system_stats' ? { kind: 'respond', answer: { status: 200, body: `<html>${echo(r)}` } } : undefined)
    const protocolError = await c.systemStats().catch((e: unknown) => e)
    expect(protocolError).toBeInstanceOf(ServerProtocolError)
    proxy.decide = (r) =>
      r.path === '/prompt'
        ? { kind: 'respond', answer: { status: 400, body: JSON.stringify({ error: { type: 'bad', message: echo(r), details: TOKEN, extra_info: {} }, node_errors: { '1': { errors: [{ type: 'x', message: BEARER, details: 'hunter2-pass', extra_info: {} }], class_type: 'LoadImage', dependent_outputs: [] } } }) } }
        : undefined
    const rejected = await c.submit([invertGraph().save], { timeout: 5000 }).catch((e: unknown) => e)
    expect(rejected).toBeInstanceOf(PromptRejectedError)
    for (const error of [httpError, protocolError, rejected]) {
      const text = `${String((error as Error).message)} ${JSON.stringify(error, (k: string, v: unknown) => (k === "node" ? undefined : v))} ${inspect(error, { depth: 10 })}`
      expect(text).not.toContain(TOKEN)
      expect(text).not.toContain(BEARER)
      expect(text).not.toContain('hunter2-pass')
      expect(text).toContain('***')
    }
  })

  it('run prints /view URLs with the token masked, and a URL without scheme does not echo the user name', async () => {
    const result = await runCommand(['run', join(dir, 'cats-dogs.json'), '--server', `${proxy.url}/?token=${TOKEN}`], { only: [runCliCommand], cwd: dir })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('/view?')
    expect(result.stdout + result.stderr).not.toContain(TOKEN)
    expect(() => new ComfyClient({ url: 'carol:s3cret-pw@example.com:8188' })).toThrow(InvalidArgumentError)
    try {
      new ComfyClient({ url: 'carol:s3cret-pw@example.com:8188' })
    } catch (error) {
      expect(String(error)).not.toContain('carol')
      expect(String(error)).not.toContain('s3cret-pw')
    }
    const cli = await runCommand(['run', join(dir, 'cats-dogs.json'), '--server', 'carol:s3cret-pw@example.com:8188'], { only: [runCliCommand], cwd: dir })
    expect(cli.code).not.toBe(0)
    expect(cli.stderr).not.toContain('carol')
    expect(cli.stderr).not.toContain('s3cret-pw')
  })
})

describe('protocol shapes', () => {
  it('a 200 [1,2,3] to POST /prompt is a ServerProtocolError', async () => {
    const c = client()
    proxy.decide = (r) => (r.path === '/prompt' ? { kind: 'respond', answer: { status: 200, headers: { 'content-type': 'application/json' }, body: '[1,2,3]' } } : undefined)
    await expect(c.submit([invertGraph().save])).rejects.toBeInstanceOf(ServerProtocolError)
  })

  it('settles with a typed error in bounded time when the socket is down and /history is malformed while /queue works', async () => {
    proxy.refuseSockets = true
    const c = client({ connectTimeout: 100, offlineTimeout: 1500 })
    proxy.decide = (r) => (r.path.startsWith('/history/') ? { kind: 'respond', answer: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"x": [' } } : undefined)
    const started = Date.now()
    const error = await c.run([samplerGraph({ steps: 1, seed: 201, prefix: 'malformed-history' }).save]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ServerProtocolError)
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('settles when /history stalls while /queue works', async () => {
    proxy.refuseSockets = true
    const c = client({ connectTimeout: 100, offlineTimeout: 1500, timeout: 300 })
    proxy.decide = (r) => (r.path.startsWith('/history/') ? { kind: 'stall' } : undefined)
    const started = Date.now()
    const error = await c.run([samplerGraph({ steps: 1, seed: 202, prefix: 'stalled-history' }).save]).catch((e: unknown) => e)
    expect((error as Error).name).toBe('RequestTimeoutError')
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('a malformed /queue does not fail a job that finished', async () => {
    proxy.refuseSockets = true
    const c = client({ connectTimeout: 100, offlineTimeout: 60_000 })
    proxy.decide = (r) =>
      r.method === 'GET' && r.path === '/queue'
        ? { kind: 'rewrite', rewrite: (a: Answer) => ({ ...a, body: '{"queue_running": 7, "queue_pending": "x"}' }) }
        : undefined
    const results = await c.run([samplerGraph({ steps: 1, seed: 203, prefix: 'malformed-queue' }).save], { timeout: 10_000 })
    expect(results.images).toHaveLength(1)
  })

  it('reports a server that dies mid-run within seconds', async () => {
    const doomed = await startTestServer({ stepMs: 20 })
    const c = client({ url: doomed.url })
    const job = await c.submit([samplerGraph({ steps: 500, seed: 204 }).save])
    await expect.poll(() => job.state).toBe('running')
    const died = Date.now()
    await doomed.close()
    const error = await job.wait().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ServerUnreachableError)
    expect(Date.now() - died).toBeLessThan(8000)
  })
})

describe('bounded memory', () => {
  let hostile: Server
  let wss: WebSocketServer
  let hostileUrl: string

  beforeAll(async () => {
    // A "ComfyUI" whose WebSocket greets with a 2 MB message.
    hostile = createServer((_req, res) => res.writeHead(404).end())
    wss = new WebSocketServer({ server: hostile })
    wss.on('connection', (ws) => ws.send(JSON.stringify({ type: 'status', data: { pad: 'x'.repeat(2 * 1024 * 1024) } })))
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve))
    hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    wss.close()
    hostile.closeAllConnections()
    await new Promise((resolve) => hostile.close(resolve))
  })

  it('refuses a WebSocket message over maxMessageSize with an error naming the server', async () => {
    const warnings: string[] = []
    const c = client({ url: hostileUrl, maxMessageSize: 1024 * 1024 })
    c.on('warning', (m) => warnings.push(m))
    const error = await c.connect().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MessageTooLargeError)
    expect((error as Error).message).toContain(hostileUrl)
    expect(warnings.join('\n')).toContain('1048576')
  })

  it('stops a download at maxBytes while it streams, naming server and file', async () => {
    const c = client()
    const results = await c.run([invertGraph('example.png', 'huge').save], { timeout: 10_000 })
    proxy.decide = (r) => (r.path === '/view' ? { kind: 'huge', bytes: 300 * 1024 * 1024, contentType: 'image/png' } : undefined)
    const file = results.images[0]
    const before = process.memoryUsage().rss
    const error = (await file?.buffer({ maxBytes: 1024 * 1024 }).catch((e: unknown) => e)) as DownloadTooLargeError
    expect(error).toBeInstanceOf(DownloadTooLargeError)
    expect(error.message).toContain(proxy.url)
    expect(error.message).toContain(file?.filename)
    const saved = await file?.save(join(dir, 'huge'), { maxBytes: 1024 * 1024 }).catch((e: unknown) => e)
    expect(saved).toBeInstanceOf(DownloadTooLargeError)
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024)
  })

  it('edit refuses a 300 MB result while streaming instead of buffering it', async () => {
    const c = client()
    proxy.decide = (r) => (r.path === '/view' ? { kind: 'huge', bytes: 300 * 1024 * 1024, contentType: 'image/png' } : undefined)
    const before = process.memoryUsage().rss
    const error = await c
      .edit({ template: 'img2img_default', image: readFileSync(join(server.files.root, 'input', 'example.png')), positive: 'a cat', out: join(dir, 'edit-out.png'), params: { steps: 1 } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DownloadTooLargeError)
    expect((error as Error).message).toContain(proxy.url)
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 1024 * 1024)
  })
})

describe('unusable output entries', () => {
  it('turns outputs whose filename or type is not a string into warnings', async () => {
    proxy.refuseSockets = true
    const c = client({ connectTimeout: 100 })
    const warnings: string[] = []
    c.on('warning', (m) => warnings.push(m))
    proxy.decide = (r) =>
      r.path.startsWith('/history/')
        ? {
            kind: 'rewrite',
            rewrite: (a: Answer) => {
              const body = JSON.parse(a.body.toString()) as Record<string, { outputs: Record<string, { images: unknown[] }> }>
              for (const entry of Object.values(body)) for (const out of Object.values(entry.outputs)) out.images.push({ filename: 42, subfolder: '', type: 'output' }, { filename: 'x.png', subfolder: '', type: ['output'] })
              return { ...a, body: JSON.stringify(body) }
            },
          }
        : undefined
    const results = await c.run([invertGraph('example.png', 'odd').save], { timeout: 10_000 })
    expect(results.images).toHaveLength(1)
    expect(results.warnings).toHaveLength(2)
    expect(results.warnings.join('\n')).toMatch(/"filename" is number/)
    expect(warnings.join('\n')).toMatch(/"type" is an array/)
  })

  it('says why a WebSocket attempt failed', async () => {
    const refused = await startTestServer()
    const url = refused.url
    await refused.close()
    const debug: string[] = []
    const c = client({ url, connectTimeout: 300 })
    c.on('debug', (m) => debug.push(m))
    await c.connect().catch(() => undefined)
    const line = debug.find((m) => m.startsWith('WebSocket attempt failed:'))
    expect(line).toBeDefined()
    expect(line?.slice('WebSocket attempt failed:'.length).trim()).not.toBe('')
    expect(line).toMatch(/ECONNREFUSED/)
  })
})
