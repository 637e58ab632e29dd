// comfy-dsl: one ComfyClient (undici for HTTP, one WebSocket); `run` submits and waits (events, `/history`
// when the socket misses something); each output image is read with `OutputFile.buffer()`.
import { ComfyClient } from '../../../dist/client/index.js'

export async function connect(url) {
  const client = new ComfyClient({ url })
  await client.connect()
  return {
    async job(prompt) {
      const results = await client.run(prompt)
      return Promise.all(results.images.map(async (file) => ({ filename: file.filename, bytes: await file.buffer() })))
    },
    close: () => client.close(),
  }
}
