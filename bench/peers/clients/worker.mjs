// One sample of one client library, in a fresh process (so one library's JIT and GC never bill another):
// connect, warm up, then per-job latency and CPU over sequential jobs, then throughput at concurrency 8, then
// the check of every output received. Startup (Node, the library's import) is outside every figure.
// Usage (from bench/peers/suites/client.ts): node worker.mjs <dsl|saintno|stable-canvas|comfy-ui-client> URL,
// with an IPC channel: the figures are sent as one message.
import { randomBytes } from 'node:crypto'

const WARMUP = 20
const SEQUENTIAL = 50
const CONCURRENT = 160
const LANES = 8
// A job not done by then is counted as lost (a library that misses its completion would wait forever):
const JOB_TIMEOUT_MS = 10_000
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

const WARM_CONNECTS = 5

const [name, url] = process.argv.slice(2)
const importStart = performance.now()
const adapter = await import(`./${name}.mjs`)
const importMs = performance.now() - importStart

// The first connect of the process pays for whatever the library loads or builds on first use:
const connectStart = performance.now()
const client = await adapter.connect(url)
const connect = performance.now() - connectStart
// Then fresh clients in the same process (median), each closed before the next:
const warm = []
for (let i = 0; i < WARM_CONNECTS; i++) {
  const start = performance.now()
  const other = await adapter.connect(url)
  warm.push(performance.now() - start)
  await other.close()
}

// The same API prompt for everyone; a unique filename_prefix per job, which the saved PNG also embeds (in its
// `prompt` text chunk), so each job's own file and bytes can be recognized.
const tag = randomBytes(4).toString('hex')
let next = 0
const checked = []
const errors = []

function invertPrompt(prefix) {
  return {
    1: { class_type: 'LoadImage', inputs: { image: 'example.png' } },
    2: { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
    3: { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: prefix } },
  }
}

async function oneJob(keep) {
  const prefix = `peers_${tag}_${next++}`
  let timer
  try {
    const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no result in ${JOB_TIMEOUT_MS} ms`)), JOB_TIMEOUT_MS)))
    const files = await Promise.race([client.job(invertPrompt(prefix), '3'), timeout])
    if (keep) checked.push({ prefix, files })
  } catch (error) {
    if (errors.length < 3) errors.push(String(error?.message ?? error))
    if (keep) checked.push({ prefix, files: [] })
  } finally {
    clearTimeout(timer)
  }
}

// The first job of the process pays for whatever the library loads on its first request (its HTTP stack):
const firstJobStart = performance.now()
await oneJob(false)
const firstJob = performance.now() - firstJobStart
for (let i = 1; i < WARMUP; i++) await oneJob(false)

const latencies = []
const cpuBefore = process.cpuUsage()
for (let i = 0; i < SEQUENTIAL; i++) {
  const start = performance.now()
  await oneJob(true)
  latencies.push(performance.now() - start)
}
const cpu = process.cpuUsage(cpuBefore)

const concurrentStart = performance.now()
let left = CONCURRENT
await Promise.all(
  Array.from({ length: LANES }, async () => {
    while (left-- > 0) await oneJob(true)
  }),
)
const concurrentSeconds = (performance.now() - concurrentStart) / 1000

// One PNG per job, named with the job's prefix, its bytes carrying the job's prompt:
const correct = checked.filter(
  ({ prefix, files }) =>
    files.length === 1 && String(files[0].filename).startsWith(prefix) && files[0].bytes.subarray(0, 8).equals(PNG) && files[0].bytes.includes(prefix),
).length

await client.close()
process.send(
  {
    import: importMs,
    connect,
    connectWarm: median(warm),
    firstJob,
    latency: median(latencies),
    cpu: (cpu.user + cpu.system) / 1000 / SEQUENTIAL,
    throughput: CONCURRENT / concurrentSeconds,
    results: correct,
    expected: SEQUENTIAL + CONCURRENT,
    errors,
  },
  () => process.exit(0),
)

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}
