// comfy-ui-client 0.1.2: `connect()` opens the WebSocket; `getImages` posts the prompt, waits for the
// `executing` message that ends it, reads `/history/{id}` and fetches every image (Blobs). It logs through
// pino at level info (a line per finished prompt) to stdout, which the suite discards: its default, kept.
import { randomUUID } from 'node:crypto'
import { ComfyUIClient } from 'comfy-ui-client'

export async function connect(url) {
  const client = new ComfyUIClient(new URL(url).host, randomUUID())
  await client.connect()
  return {
    async job(prompt) {
      const outputs = await client.getImages(prompt)
      const files = Object.values(outputs).flat()
      return Promise.all(files.map(async ({ blob, image }) => ({ filename: image.filename, bytes: Buffer.from(await blob.arrayBuffer()) })))
    },
    close: () => client.disconnect(),
  }
}
