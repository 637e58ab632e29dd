// @stable-canvas/comfyui-client 1.5.9: `Client.connect()` opens the WebSocket (Node 20 has no global WebSocket,
// so `ws` is passed, as its README says for Node); `enqueue` posts the prompt and resolves on the `executed`
// event with `/view` URLs, which are fetched with the client's fetch (its pipelines' `read_response` does the same).
import { Client } from '@stable-canvas/comfyui-client'
import WebSocket from 'ws'

export async function connect(url) {
  const client = new Client({ api_host: new URL(url).host, WebSocket })
  await client.connect()
  return {
    async job(prompt) {
      const result = await client.enqueue(prompt)
      return Promise.all(
        result.images.map(async (image) => {
          const bytes = Buffer.from(await (await client.fetch(image.data)).arrayBuffer())
          return { filename: new URL(image.data).searchParams.get('filename'), bytes }
        }),
      )
    },
    close: async () => client.close(),
  }
}
