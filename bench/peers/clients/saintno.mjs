// @saintno/comfyui-sdk 0.3.1: `ComfyApi.init()` pings the server, then opens its WebSocket ('connected'); a job
// is a `PromptBuilder` with the SaveImage node as output and a `CallWrapper` run (it resolves with the node's
// UI dict, or false on failure); the image is read with `api.getImage()` (a Blob), as its README does.
import { CallWrapper, ComfyApi, PromptBuilder } from '@saintno/comfyui-sdk'

export async function connect(url) {
  const api = new ComfyApi(url)
  const connected = new Promise((resolve) => api.on('connected', resolve, { once: true }))
  api.init()
  await connected
  return {
    async job(prompt, outputNode) {
      const builder = new PromptBuilder(prompt, [], ['images']).setOutputNode('images', outputNode)
      let failure
      const output = await new CallWrapper(api, builder).onFailed((error) => (failure = error)).run()
      if (!output) throw failure ?? new Error('CallWrapper.run returned false')
      const images = output.images?.images ?? []
      return Promise.all(images.map(async (image) => ({ filename: image.filename, bytes: Buffer.from(await (await api.getImage(image)).arrayBuffer()) })))
    },
    close: async () => api.destroy(),
  }
}
