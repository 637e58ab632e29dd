/**
 * A real Redis for tests (Debian's `redis-server`, installed by .ci/run): started on a free loopback port in a
 * temporary folder, stopped (and the folder removed) by `stop()`. `restart()` stops it the way an operator
 * does (SIGTERM: with persistence on, the append-only file is flushed) and starts it again on the same port
 * and folder; `kill()` ends it with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface RedisOptions {
  /** Append-only file with fsync on every write, so nothing acknowledged is lost across a restart (default false). */
  readonly persistence?: boolean
}

export interface TestRedis {
  readonly url: string
  readonly port: number
  readonly dir: string
  restart(): Promise<void>
  kill(): Promise<void>
  stop(): Promise<void>
}

export async function startRedis(options: RedisOptions = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'comfy-dsl-redis-'))
  const port = await freePort()
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--appendonly', options.persistence ? 'yes' : 'no',
    '--appendfsync', 'always',
    '--daemonize', 'no',
    '--logfile', '',
    '--maxmemory-policy', 'noeviction',
  ]
  let child = await launch(args)
  const stopChild = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill(signal)
    await exited
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async restart() {
      await stopChild('SIGTERM')
      child = await launch(args)
    },
    async kill() {
      await stopChild('SIGKILL')
    },
    async stop() {
      await stopChild('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function launch(args: readonly string[]): Promise<ChildProcess> {
  let child: ChildProcess
  try {
    child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (error) {
    throw new Error(`cannot start redis-server (apt-get install -y redis-server): ${String(error)}`)
  }
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000)
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(new Error(`cannot start redis-server (apt-get install -y redis-server): ${error.message}`))
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited with ${code}:\n${output}`))
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      output += String(chunk)
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.stderr?.on('data', (chunk: Buffer) => (output += String(chunk)))
  })
  child.removeAllListeners('exit')
  child.stdout?.removeAllListeners('data')
  child.stdout?.resume()
  child.stderr?.resume()
  return child
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
