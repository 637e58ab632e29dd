/**
 * Nothing loads until it is needed: the modules each entry imports statically (type-only imports and dynamic
 * `import()` excluded, as at run time) never include the heavy or Node-only ones it does not use.
 */
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { expect, test } from 'vitest'

const SRC = resolve(import.meta.dirname, '../../src')

/** Every module `entry` loads at run time: relative files (as src paths) and packages (by name). */
function loaded(entry: string): Set<string> {
  const seen = new Set<string>()
  const todo = [join(SRC, entry)]
  while (todo.length > 0) {
    const file = todo.pop() as string
    const key = relative(SRC, file)
    if (seen.has(key)) continue
    seen.add(key)
    const text = readFileSync(file, 'utf8')
    // Static value imports and re-exports; `import type` / `export type` vanish at run time:
    for (const match of text.matchAll(/^(?:import|export)(?!\s+type\b)[^'";]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm)) {
      const specifier = (match[1] ?? match[2]) as string
      if (specifier.startsWith('.')) todo.push(join(dirname(file), specifier.replace(/\.js$/, '.ts')))
      else seen.add(`pkg:${specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] as string)}`)
    }
  }
  return seen
}

const HEAVY = ['pkg:sharp', 'pkg:ts-morph', 'pkg:undici', 'pkg:ws']
const generatedNodes = (modules: Set<string>): string[] => [...modules].filter((m) => m.startsWith('nodes/'))

test.each([
  ['index.ts', [...HEAVY, 'pkg:commander']],
  ['defs/core/index.ts', [...HEAVY, 'pkg:zod', 'pkg:lossless-json']],
  ['templates/index.ts', [...HEAVY]],
  ['cli/program.ts', [...HEAVY, 'pkg:zod', 'pkg:cli-progress']],
  ['cli/commands/check.ts', [...HEAVY, 'pkg:zod']],
  ['cli/commands/convert.ts', [...HEAVY, 'pkg:zod']],
  // undici loads with the client's first request (src/client/undici.ts):
  ['client/index.ts', ['pkg:sharp', 'pkg:ts-morph', 'pkg:zod', 'pkg:undici', 'pkg:ws']],
])('%s loads none of %j', (entry, absent) => {
  const modules = loaded(entry)
  expect(modules.size).toBeGreaterThan(1)
  expect(absent.filter((m) => modules.has(m))).toEqual([])
})

test('only the factories entry and the templates load the generated factories', () => {
  for (const entry of ['index.ts', 'defs/core/index.ts', 'client/index.ts', 'cli/program.ts', 'cli/commands/check.ts', 'cli/commands/run.ts']) {
    expect(generatedNodes(loaded(entry)), entry).toEqual([])
  }
  expect(generatedNodes(loaded('templates/index.ts')).length).toBeGreaterThan(0)
})

test('the client barrel does not load the edit flow, the templates or the images module', () => {
  const modules = [...loaded('client/index.ts')]
  expect(modules.filter((m) => /^(edit\/edit|templates\/|images\/)/.test(m))).toEqual([])
})
