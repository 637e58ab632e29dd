/**
 * Nothing loads until it is needed, measured on the installed package (built dist/, the zod and lossless-json
 * bundles, CommonJS requires included): each public entry and the CLI's `--help` and `check` load none of the
 * heavy or Node-only packages they do not use, and stay within a module budget (today's count plus headroom;
 * a jump means a barrel started pulling something in).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { installedPackage, sh, type InstalledPackage } from './installed.js'

let pkg: InstalledPackage

// A preload that records every module the process loads: ES modules through a load hook (on the hooks'
// thread, posted back), CommonJS ones from the require cache; printed as JSON on stderr at exit.
const PRELOAD = `
import { createRequire, register } from 'node:module'
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads'
const seen = new Set()
const { port1, port2 } = new MessageChannel()
port1.on('message', (url) => seen.add(url))
port1.unref()
register('./load-hook.mjs', { parentURL: import.meta.url, data: { port: port2 }, transferList: [port2] })
process.on('exit', () => {
  for (let m = receiveMessageOnPort(port1); m !== undefined; m = receiveMessageOnPort(port1)) seen.add(m.message)
  for (const path of Object.keys(createRequire(import.meta.url).cache)) seen.add('file://' + path)
  process.stderr.write('LOADED ' + JSON.stringify([...seen].filter((url) => !url.startsWith('node:'))) + '\\n')
})
`
const HOOK = `
let port
export function initialize(data) { port = data.port }
export async function load(url, context, next) { port.postMessage(url); return next(url, context) }
`

beforeAll(async () => {
  pkg = await installedPackage()
  writeFileSync(join(pkg.project, 'record-loads.mjs'), PRELOAD)
  writeFileSync(join(pkg.project, 'load-hook.mjs'), HOOK)
  writeFileSync(
    join(pkg.project, 'one.json'),
    JSON.stringify({
      '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color: 0 } },
      '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
    }),
  )
}, 900_000)

/** What a process loads: package names (`@scope/name` or `name`) and the package's own files (dist/...). */
async function loads(args: string[]): Promise<{ packages: Set<string>; own: string[]; total: number }> {
  const { code, stderr } = await sh(pkg, process.execPath, ['--import', './record-loads.mjs', ...args])
  expect(code, stderr).toBe(0)
  const line = stderr.split('\n').find((l) => l.startsWith('LOADED ')) as string
  const urls = JSON.parse(line.slice('LOADED '.length)) as string[]
  const packages = new Set<string>()
  const own: string[] = []
  for (const url of urls) {
    const ownFile = /node_modules\/comfy-dsl\/(.*)$/.exec(url)?.[1]
    if (ownFile !== undefined) own.push(ownFile)
    else {
      const name = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]
      if (name !== undefined) packages.add(name)
    }
  }
  return { packages, own, total: urls.filter((u) => u.includes('/node_modules/')).length }
}

const importing = (entry: string): string[] => ['--input-type=module', '-e', `await import('${entry}')`]
const HEAVY = ['sharp', 'ts-morph', 'typescript', 'undici', 'ws', 'bullmq', 'ioredis']

// [what runs, packages it must not load, whether the generated factories may load, module budget]
const cases: [string, string[], readonly string[], boolean, number][] = [
  // The root bundles zod (without its locales) and lossless-json into one module each: neither package loads.
  ["import 'comfy-dsl'", importing('comfy-dsl'), [...HEAVY, 'zod', 'lossless-json', 'commander'], false, 75],
  ["import 'comfy-dsl/defs'", importing('comfy-dsl/defs'), [...HEAVY, 'zod', 'lossless-json'], false, 5],
  ["import 'comfy-dsl/client'", importing('comfy-dsl/client'), [...HEAVY, 'zod', 'lossless-json'], false, 55],
  ["import 'comfy-dsl/templates'", importing('comfy-dsl/templates'), [...HEAVY, 'zod'], true, 70],
  ["import 'comfy-dsl/nodes'", importing('comfy-dsl/nodes'), [...HEAVY, 'zod'], true, 60],
  ["import 'comfy-dsl/codegen'", importing('comfy-dsl/codegen'), HEAVY, false, 35],
  ["import 'comfy-dsl/images'", importing('comfy-dsl/images'), ['ts-morph', 'typescript', 'undici', 'ws', 'zod'], false, 120],
  // --help lists summaries without loading a command:
  ['comfy-dsl --help', ['node_modules/comfy-dsl/bin/comfy-dsl.js', '--help'], [...HEAVY, 'zod', 'lossless-json', 'cli-progress'], false, 20],
  ['comfy-dsl check one.json', ['node_modules/comfy-dsl/bin/comfy-dsl.js', 'check', 'one.json'], [...HEAVY, 'zod', 'cli-progress'], false, 50],
]

describe('what each entry of the installed package loads', () => {
  test.each(cases)('%s', { timeout: 120_000 }, async (_name, args, absent, factories, budget) => {
    const { packages, own, total } = await loads(args)
    expect(own.length).toBeGreaterThan(0)
    expect(absent.filter((name) => packages.has(name))).toEqual([])
    // The factories are bundled into dist/chunks/nodes-<hash>.js (scripts/bundle-entries.ts), the entry is dist/nodes/index.js:
    if (!factories) expect(own.filter((file) => file.startsWith('dist/nodes/') || file.startsWith('dist/chunks/nodes-'))).toEqual([])
    expect(total).toBeLessThanOrEqual(budget)
  })

  test('the CLI reads the core definitions from their file, not the 2.4 MB module', { timeout: 120_000 }, async () => {
    const { own } = await loads(['node_modules/comfy-dsl/bin/comfy-dsl.js', 'check', 'one.json'])
    expect(own.filter((file) => file.startsWith('dist/chunks/core-defs-'))).toHaveLength(1)
    expect(own).not.toContain('dist/defs/core/snapshot.js')
    expect(own).not.toContain('dist/defs/core/index.js')
  })
})
