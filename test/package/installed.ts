/**
 * The package as a user gets it: `npm pack` of this repository (its prepack builds dist/), installed with its
 * dependencies into a fresh project outside the repository, together with the TypeScript and tsx the examples use.
 * Done once per test run: the first caller packs and installs under a lock, the others wait for it.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { inject } from 'vitest'

const run = promisify(execFile)
export const REPO = resolve(import.meta.dirname, '../..')

export interface InstalledPackage {
  /** The consumer project: its node_modules holds comfy-dsl from the tarball. */
  readonly project: string
  /** Environment for child processes: the project's node_modules/.bin first on PATH. */
  readonly env: NodeJS.ProcessEnv
  /** The packed tarball. */
  readonly tarball: string
}

/** Packs and installs once per run (minutes on a loaded machine; the npm cache keeps it offline). */
export async function installedPackage(): Promise<InstalledPackage> {
  const runDir = inject('packageRunDir')
  const project = join(runDir, 'project')
  const ready = join(runDir, 'ready.json')
  const failed = join(runDir, 'failed.txt')
  try {
    mkdirSync(join(runDir, 'lock'))
  } catch {
    // Another test file is packing and installing: wait for it.
    for (;;) {
      if (existsSync(ready)) return JSON.parse(readFileSync(ready, 'utf8')) as InstalledPackage
      if (existsSync(failed)) throw new Error(`packing or installing failed in another test file: ${readFileSync(failed, 'utf8')}`)
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  try {
    const installed = await packAndInstall(runDir, project)
    writeFileSync(ready, JSON.stringify(installed))
    return installed
  } catch (error) {
    writeFileSync(failed, String(error))
    throw error
  }
}

async function packAndInstall(runDir: string, project: string): Promise<InstalledPackage> {
  const npm = { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } }
  await run('npm', ['pack', '--pack-destination', runDir, '--silent'], { ...npm, cwd: REPO })
  const tarball = join(runDir, readdirSync(runDir).find((f) => f.endsWith('.tgz')) as string)
  mkdirSync(project)
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
  // The same TypeScript, Node types and tsx the repository pins, so the examples are checked as in development:
  const dev = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies
  await run('npm', ['install', tarball, `typescript@${dev['typescript']}`, `@types/node@${dev['@types/node']}`, `tsx@${dev['tsx']}`, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    ...npm,
    cwd: project,
  })
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${join(project, 'node_modules', '.bin')}:${process.env['PATH'] ?? ''}`, NO_COLOR: '1' }
  delete env['NODE_OPTIONS']
  delete env['VITEST']
  return { project, env, tarball }
}

/** Runs a command in the consumer project (or a folder of it); never throws on a non-zero exit. */
export async function sh(
  pkg: InstalledPackage,
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeout?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    const child = execFile(
      command,
      [...args],
      { cwd: options.cwd ?? pkg.project, env: { ...pkg.env, ...options.env }, maxBuffer: 64 * 1024 * 1024, timeout: options.timeout ?? 240_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1
        resolvePromise({ code, stdout, stderr })
      },
    )
    if (options.input !== undefined) child.stdin?.end(options.input)
    else child.stdin?.end()
  })
}

/** The installed `comfy-dsl test-server` on a free port, for the examples and commands that need a server. */
export async function startInstalledTestServer(pkg: InstalledPackage): Promise<{ url: string; close(): Promise<void> }> {
  const { spawn } = await import('node:child_process')
  const child = spawn('comfy-dsl', ['test-server', '--port', '0', '--step-ms', '1', '--json'], { cwd: pkg.project, env: pkg.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const url = await new Promise<string>((resolvePromise, reject) => {
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const line = stdout.split('\n')[0] as string
      if (stdout.includes('\n')) resolvePromise((JSON.parse(line) as { url: string }).url)
    })
    child.once('exit', (code) => reject(new Error(`comfy-dsl test-server exited with ${code}: ${stderr}`)))
  })
  return {
    url,
    close: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    },
  }
}
