/**
 * `comfy-dsl test-server [--port N]`: starts the ComfyUI-protocol test server until Ctrl-C.
 * @module
 */
import { resolve } from 'node:path'
import { InvalidArgumentError } from '../../errors.js'
import { startTestServer } from '../../testing/index.js'
import { EXIT, reportError, type CliCommand, type CliIo } from '../io.js'

interface TestServerFlags {
  port: string
  stepMs: string
  objectInfo?: string
  serverVersion?: string
  dir?: string
  disableMetadata?: boolean
  json?: boolean
}

export const testServerCommand: CliCommand = {
  register(program, io, done) {
    program
      .command('test-server')
      .description('start a ComfyUI-protocol test server on 127.0.0.1 (image nodes run for real, model nodes are stand-ins)')
      .option('--port <n>', 'port (0: any free port)', '8188')
      .option('--step-ms <ms>', 'time of one sampler step', '10')
      .option('--object-info <file>', 'node definitions to serve (default: the bundled ComfyUI v0.26.0 core)')
      .option('--server-version <version>', 'ComfyUI release to imitate in verdicts')
      .option('--dir <dir>', 'folder for input/, output/ and temp/ (default: a temporary folder, removed on exit)')
      .option('--disable-metadata', 'save PNGs without the prompt and workflow, as ComfyUI --disable-metadata')
      .option('--json', 'print {url, root} as one JSON line once listening (for scripts)')
      .action(async (flags: TestServerFlags) => {
        done(await serve(flags, io))
      })
  },
}

async function serve(flags: TestServerFlags, io: CliIo): Promise<number> {
  try {
    const port = integer('--port', flags.port)
    const stepMs = integer('--step-ms', flags.stepMs)
    const server = await startTestServer({
      port,
      stepMs,
      ...(flags.objectInfo === undefined ? {} : { objectInfo: resolve(io.cwd, flags.objectInfo) }),
      ...(flags.serverVersion === undefined ? {} : { serverVersion: flags.serverVersion }),
      ...(flags.dir === undefined ? {} : { dir: resolve(io.cwd, flags.dir) }),
      ...(flags.disableMetadata === true ? { metadata: false } : {}),
    })
    if (flags.json) io.stdout.write(`${JSON.stringify({ url: server.url, root: server.files.root })}\n`)
    else io.stdout.write(`ComfyUI test server listening on ${server.url} (files in ${server.files.root}); Ctrl-C stops it\n`)
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop)
        process.off('SIGTERM', stop)
        resolve()
      }
      process.on('SIGINT', stop)
      process.on('SIGTERM', stop)
    })
    await server.close()
    return EXIT.ok
  } catch (error) {
    if ((error as { code?: string }).code === 'EADDRINUSE') {
      io.stderr.write(`error: port ${flags.port} is in use (try --port 0)\n`)
      return EXIT.unusable
    }
    return reportError(error, io)
  }
}

function integer(name: string, value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name}: expected a non-negative integer, received ${JSON.stringify(value)}`)
  return n
}
