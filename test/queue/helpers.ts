/** Worker processes for the queue tests: `comfy-dsl worker` run with tsx as a loader, its output collected. */
import { spawn, type ChildProcess } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const MAIN = join(ROOT, 'src', 'cli', 'main.ts')

export interface WorkerProcess {
  readonly child: ChildProcess
  /** Everything the worker printed so far. */
  output(): string
  /** Resolves when the worker printed a line matching `pattern`. */
  printed(pattern: RegExp, timeout?: number): Promise<void>
  /** Resolves with the exit code (or signal). */
  readonly exited: Promise<number | NodeJS.Signals>
}

export function spawnWorker(args: readonly string[]): WorkerProcess {
  // tsx as a loader in the worker's own process (its CLI would put a second process in between, which SIGKILL would miss):
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'worker', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const waiters: { pattern: RegExp; resolve: () => void }[] = []
  const onData = (chunk: Buffer): void => {
    output += String(chunk)
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(output)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
    }
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? 0)))
  return {
    child,
    output: () => output,
    exited,
    printed: (pattern, timeout = 30_000) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(output)) return resolve()
        const timer = setTimeout(() => reject(new Error(`worker did not print ${pattern} within ${timeout} ms:\n${output}`)), timeout)
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer)
            resolve()
          },
        })
        void exited.then((code) => {
          clearTimeout(timer)
          if (!pattern.test(output)) reject(new Error(`worker exited (${code}) before printing ${pattern}:\n${output}`))
        })
      }),
  }
}

/** Ends a worker process if it still runs. */
export async function stopWorker(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL')
  await worker.exited
}
