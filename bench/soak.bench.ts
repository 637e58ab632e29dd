/**
 * Soak: N jobs (default 10,000; SOAK_JOBS to change) at concurrency 16 through a hostile proxy that drops the
 * WebSocket every ~200 ms and loses 10% of `POST /prompt` answers (after the server acted), 30% of `/queue`
 * answers and 10% of `/history` answers. Counts what must stay 0: jobs never settled, run twice, given another
 * job's result, left queued on the server; and prints jobs/s and the client's peak RSS. The test server and the
 * proxy run in a child process, so the figures are the client's own.
 *
 *   npm run bench -- soak            SOAK_JOBS=2000 npm run bench -- soak
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { forwardUpgrade } from '../test/helpers/forward-upgrade.js'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { ComfyClient, type JobResults } from '../src/client/index.js'
import { node } from '../src/dsl/index.js'
import { startTestServer, type TestServer } from '../src/testing/index.js'
import { printTable, type Row } from './lib/stats.js'

const JOBS = Number(process.env['SOAK_JOBS'] ?? 10_000)
const CONCURRENCY = 16
const LOSS = { post: 0.1, queue: 0.3, history: 0.1 }
const DROP_EVERY_MS = 200
// A job still unsettled this long after the last one settled counts as never settled.
const GRACE_MS = 60_000

interface ServerStats {
  readonly executions: [string, number][]
  readonly posts: [string, number][]
  readonly queued: number
  readonly lost: Record<string, number>
}

if (process.argv.includes('--serve')) await serve()
else await main()

async function main(): Promise<void> {
  const { child, url } = await serveInChild()
  let peakRss = process.memoryUsage().rss
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100)
  const client = new ComfyClient({ url, timeout: 5000, pollInterval: 200, reconnect: { minDelay: 50, maxDelay: 200 } })
  const errors = new Map<string, number>()
  const settled = new Set<number>()
  const ids = new Map<number, string>()
  let wrong = 0
  let next = 0
  const started = performance.now()
  let lastSettled = started
  const worker = async (): Promise<void> => {
    for (let i = next++; i < JOBS; i = next++) {
      const promptId = randomUUID()
      ids.set(i, promptId)
      try {
        const results = await client.run(job(i), { promptId })
        if (!isOwnResult(results, promptId, i)) wrong++
      } catch (error) {
        const name = error instanceof Error ? error.name : typeof error
        if (!errors.has(name)) process.stderr.write(`soak: first ${name}: ${String(error)}\n`)
        errors.set(name, (errors.get(name) ?? 0) + 1)
      }
      settled.add(i)
      lastSettled = performance.now()
    }
  }
  const workers = Promise.all(Array.from({ length: CONCURRENCY }, worker))
  const progress = setInterval(() => process.stderr.write(`soak: ${settled.size}/${JOBS} settled\r`), 5000)
  // Every job settles, or the grace period after the last one that did runs out:
  await Promise.race([workers, waitForStall(() => lastSettled)])
  const seconds = (lastSettled - started) / 1000
  clearInterval(progress)
  clearInterval(sampler)
  await new Promise((r) => setTimeout(r, 1500))
  const stats = await askStats(child)
  await client.close()
  child.kill()
  const executions = new Map(stats.executions)
  const posts = new Map(stats.posts)
  const ranTwice = [...ids.values()].filter((id) => (executions.get(id) ?? 0) > 1).length
  const postedTwice = [...ids.values()].filter((id) => (posts.get(id) ?? 0) > 1).length
  const failed = [...errors.values()].reduce((a, b) => a + b, 0)
  const rows: Row[] = [
    { measure: 'jobs', value: String(JOBS), note: `concurrency ${CONCURRENCY}, socket dropped every ${DROP_EVERY_MS} ms` },
    { measure: 'answers lost by the proxy', value: `${stats.lost['post']} POST /prompt, ${stats.lost['queue']} /queue, ${stats.lost['history']} /history`, note: `${stats.lost['sockets']} socket drops` },
    { measure: 'never settled', value: String(JOBS - settled.size), target: '0' },
    { measure: 'ran twice', value: String(ranTwice), target: '0', note: `posted twice (server known not to have it): ${postedTwice}` },
    { measure: 'wrong result', value: String(wrong), target: '0' },
    { measure: 'left queued', value: String(stats.queued), target: '0' },
    { measure: 'failed with a typed error', value: String(failed), note: [...errors].map(([k, v]) => `${k} ${v}`).join(', ') || '-' },
    { measure: 'jobs/s', value: (settled.size / seconds).toFixed(1) },
    { measure: 'peak RSS (client process)', value: `${(peakRss / 1024 / 1024).toFixed(0)} MB` },
  ]
  printTable(`soak: ${JOBS} jobs through a lossy proxy`, rows)
  process.exit(0)
}

function job(i: number): ReturnType<typeof node>[] {
  const load = node('LoadImage', { image: 'example.png' })
  const invert = node('ImageInvert', { image: load.out(0) })
  return [node('SaveImage', { images: invert.out(0), filename_prefix: `soak/j${i}` })]
}

// The job's own prompt id and its own output (SaveImage names files after the job's prefix).
function isOwnResult(results: JobResults, promptId: string, i: number): boolean {
  return results.promptId === promptId && results.images.length === 1 && results.images[0]?.filename.startsWith(`j${i}_`) === true
}

async function waitForStall(lastSettled: () => number): Promise<void> {
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000))
    if (performance.now() - lastSettled() > GRACE_MS) return
  }
}

async function serveInChild(): Promise<{ child: ChildProcess; url: string }> {
  const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url))
  const child = spawn(process.execPath, [tsx, fileURLToPath(import.meta.url), '--serve'], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] })
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  const url = await new Promise<string>((resolve) => lines.once('line', resolve))
  return { child, url }
}

function askStats(child: ChildProcess): Promise<ServerStats> {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve(message as ServerStats))
    child.send('stats')
  })
}

// Child: the test server (no sampler, outputs cached except SaveImage) and the lossy proxy in front of it.
async function serve(): Promise<void> {
  const server = await startTestServer({ previews: false })
  const lost = { post: 0, queue: 0, history: 0, sockets: 0 }
  const proxy = lossyProxy(server, lost)
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  const address = proxy.address()
  process.on('message', () => {
    const stats: ServerStats = {
      executions: [...server.executions],
      posts: [...server.promptRequests],
      queued: server.queue.pending.length + (server.queue.running === undefined ? 0 : 1),
      lost,
    }
    process.send?.(stats)
  })
  console.log(`http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`)
}

function lossyProxy(server: TestServer, lost: Record<'post' | 'queue' | 'history' | 'sockets', number>): ReturnType<typeof createServer> {
  const pipes = new Set<Socket>()
  setInterval(() => {
    if (pipes.size > 0) lost.sockets++
    for (const socket of pipes) socket.destroy()
    pipes.clear()
  }, DROP_EVERY_MS).unref()
  const proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const loss =
      req.method === 'POST' && path === '/prompt' ? 'post' : req.method === 'GET' && path === '/queue' ? 'queue' : req.method === 'GET' && path.startsWith('/history/') ? 'history' : undefined
    const lose = loss !== undefined && Math.random() < LOSS[loss]
    const out = httpRequest({ host: '127.0.0.1', port: server.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = []
      answer.on('data', (c: Buffer) => chunks.push(c))
      answer.on('end', () => {
        if (lose && loss !== undefined) {
          // The server acted; its answer never reaches the client.
          lost[loss]++
          req.socket.destroy()
          return
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        res.end(Buffer.concat(chunks))
      })
    })
    out.on('error', () => res.destroy())
    req.pipe(out)
  })
  proxy.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    forwardUpgrade(req, socket, head, server.port, pipes)
  })
  return proxy
}
