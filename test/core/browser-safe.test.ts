import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src')
const NODE_ONLY = /^(node:|undici$|sharp$|ts-morph$|commander$|ws$|cli-progress$|v8-compile-cache-lib$)/

// Every module an entry reaches, through relative imports (type-only imports included, to stay simple):
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>()
  const todo = [entry]
  while (todo.length > 0) {
    const file = todo.pop() as string
    if (seen.has(file)) continue
    const specifiers = [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)].map((m) => m[1] as string)
    seen.set(file, specifiers)
    for (const s of specifiers) if (s.startsWith('.')) todo.push(join(dirname(file), s.replace(/\.js$/, '.ts')))
  }
  return seen
}

// The core entries: definitions, DSL, validation, conversion (comfy-dsl), the factories and the templates.
test.each([['index.ts'], ['defs/core/index.ts'], ['convert/index.ts'], ['workflow/index.ts'], ['nodes/index.ts'], ['templates/index.ts']])(
  'src/%s and everything it imports run in a browser (no node: or Node-only packages)',
  (entry) => {
    const modules = reachable(join(SRC, entry))
    expect(modules.size).toBeGreaterThan(2)
    const offending = [...modules].flatMap(([file, specifiers]) => specifiers.filter((s) => NODE_ONLY.test(s)).map((s) => `${file}: ${s}`))
    expect(offending).toEqual([])
  },
)
