/**
 * `node --import ./bench/lib/loaded-modules.mjs ...` prints, at exit, every module the process loaded (ES
 * modules through a load hook, CommonJS ones from the require cache) as one JSON line on stderr, prefixed with
 * `LOADED_MODULES `. The start-up benchmark uses it to say what each entry loads.
 */
import { createRequire, register } from 'node:module'
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads'

const esm = new Set()
const { port1, port2 } = new MessageChannel()
port1.on('message', (url) => esm.add(url))
port1.unref()
register('./loaded-modules-hook.mjs', { parentURL: import.meta.url, data: { port: port2 }, transferList: [port2] })

process.on('exit', () => {
  // Messages posted by the hook thread just before exit may still be queued: drain them.
  for (let message = receiveMessageOnPort(port1); message !== undefined; message = receiveMessageOnPort(port1)) esm.add(message.message)
  const cjs = Object.keys(createRequire(import.meta.url).cache).map((path) => `file://${path}`)
  process.stderr.write(`LOADED_MODULES ${JSON.stringify([...new Set([...esm, ...cjs])].filter((url) => !url.startsWith('node:')))}\n`)
})
