/** `comfy-dsl` processes for the queue tests (worker, enqueue): the CLI run with tsx as a loader, its output collected. */
import { spawn, type ChildProcess } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const MAIN = join(ROOT, 'src', 'cli', 'main.ts')
// By path: the process may run in a folder outside the repository.
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href

export interface CliProcess {
  readonly child: ChildProcess
  /** Everything printed so far (stdout and stderr, interleaved). */
  output(): string
  /** What it printed on stdout. */
  stdout(): string
  /** Resolves when it printed a line matching `pattern`. */
  printed(pattern: RegExp, timeout?: number): Promise<void>
  /** Resolves with the exit code (or signal). */
  readonly exited: Promise<number | NodeJS.Signals>
}

/** Alias kept for the worker tests. */
export type WorkerProcess = CliProcess

/** `comfy-dsl ARGS...` in a process of its own; `input` is written to its stdin (then closed). */
export function spawnCli(args: readonly string[], options: { readonly input?: string; readonly cwd?: string } = {}): CliProcess {
  // tsx as a loader in the CLI's own process (its CLI would put a second process in between, which signals would miss):
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: options.cwd ?? ROOT, stdio: ['pipe', 'pipe', 'pipe'] })
  if (options.input !== undefined) child.stdin?.end(options.input)
  else child.stdin?.end()
  let output = ''
  let stdout = ''
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
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += String(chunk)
    onData(chunk)
  })
  child.stderr?.on('data', onData)
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? 0)))
  return {
    child,
    output: () => output,
    stdout: () => stdout,
    exited,
    printed: (pattern, timeout = 30_000) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(output)) return resolve()
        const timer = setTimeout(() => reject(new Error(`comfy-dsl ${args[0]} did not print ${pattern} within ${timeout} ms:\n${output}`)), timeout)
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer)
            resolve()
          },
        })
        void exited.then((code) => {
          clearTimeout(timer)
          if (!pattern.test(output)) reject(new Error(`comfy-dsl ${args[0]} exited (${code}) before printing ${pattern}:\n${output}`))
        })
      }),
  }
}

/** `comfy-dsl worker ARGS...`. */
export function spawnWorker(args: readonly string[]): CliProcess {
  return spawnCli(['worker', ...args])
}

/** Ends a process if it still runs. */
export async function stopWorker(worker: CliProcess): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL')
  await worker.exited
}
