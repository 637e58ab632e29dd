/** The load hook of loaded-modules.mjs (module hooks run on their own thread): posts each loaded URL back. */
let port

export function initialize(data) {
  port = data.port
}

export async function load(url, context, nextLoad) {
  port.postMessage(url)
  return nextLoad(url, context)
}
