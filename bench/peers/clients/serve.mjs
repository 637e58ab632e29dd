// The test server for the client suite, in its own process so that each client's CPU is measured alone; it
// runs the compiled package (dist/). Prints its URL on the first line of stdout.
//
// Settings: no sampler sleep and no extra node time (stepMs 0, nodeMs 0), so that the server's share of a job
// is as small as it gets and the client's cost shows; no output cache (`--cache-none`), so every job really
// runs and reports its output through `executed` (a cached SaveImage would send no output event); no latent
// previews (the job has no sampler); PNG metadata on, as ComfyUI's default: each saved PNG embeds its prompt,
// so a client that receives another job's file is caught by the results check.
import { startTestServer } from '../../../dist/testing/index.js'

const server = await startTestServer({ stepMs: 0, nodeMs: 0, cache: false, previews: false })
console.log(server.url)
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)))
