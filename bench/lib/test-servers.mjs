// Test servers in their own process for the pool and queue benchmarks (compiled package, plain node).
// Usage: node bench/lib/test-servers.mjs COUNT STEP_MS
// Prints {"urls": [...]} once listening; for each line "counts" on stdin, prints every server's executions and
// POSTs per prompt id as {"<url>": {"executions": {...}, "posts": {...}}}.
import { createInterface } from 'node:readline'
import { startTestServer } from '../../dist/testing/index.js'

const count = Number(process.argv[2] ?? 2)
const stepMs = Number(process.argv[3] ?? 5)
// No output cache (every job really executes), no previews (the GPU's work is the step time):
const servers = await Promise.all(Array.from({ length: count }, () => startTestServer({ cache: false, stepMs, previews: false })))
console.log(JSON.stringify({ urls: servers.map((s) => s.url) }))
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'counts') continue
  const counts = {}
  for (const s of servers) counts[s.url] = { executions: Object.fromEntries(s.executions), posts: Object.fromEntries(s.promptRequests) }
  console.log(JSON.stringify(counts))
}
await Promise.all(servers.map((s) => s.close()))
