/**
 * A step of `npm run build`: the declarations of the generated factories (dist/nodes/<category>.d.ts, tsc's
 * output, 35 files) become one file, dist/nodes/index.d.ts, the entry's own.
 *
 * Why: a user's `tsc` pays per file of the entry besides its declarations: each category file imports the same
 * DSL types again (alias symbols to resolve, per file) and the entry merges 35 `export *` lists. One file made
 * tsc 5.9 run 1.7 % fewer instructions on the txt2img fixture (7.39 G to 7.26 G, valgrind; an empty file
 * takes 5.68 G), the declarations themselves unchanged.
 *
 * The categories' files hold nothing but exported declarations with distinct names (the entry re-exported them
 * all with `export *`, which would have hidden a clash) and imports of types, merged here into one import per
 * module. The enum aliases (_enums.d.ts) stay a file of their own: other entries import them.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './paths.js'

const NODES = join(ROOT, 'dist', 'nodes')
const ENTRY = join(NODES, 'index.d.ts')
const CATEGORY = /^export \* from '\.\/([\w-]+)\.js';$/
const IMPORT = /^import (type )?\{ ([^}]*) \} from '([^']+)';$/
const DECLARED = /^export (?:declare function|interface|type|declare const) ([\w$]+)\b/

export function bundleNodeDeclarations(): void {
  const entryLines = readFileSync(ENTRY, 'utf8').trimEnd().split('\n')
  const categories = entryLines.flatMap((line) => CATEGORY.exec(line)?.[1] ?? [])
  const kept = entryLines.filter((line) => !CATEGORY.test(line))
  const imports = new Map<string, Set<string>>()
  const declared = new Set<string>()
  const bodies: string[] = []
  for (const category of categories) {
    const file = join(NODES, `${category}.d.ts`)
    const body: string[] = []
    for (const line of readFileSync(file, 'utf8').trimEnd().split('\n')) {
      const imported = IMPORT.exec(line)
      if (imported !== null) {
        const names = imports.get(imported[3] as string) ?? new Set<string>()
        imports.set(imported[3] as string, names)
        for (const name of (imported[2] as string).split(',')) names.add(name.trim().replace(/^type /, ''))
        continue
      }
      if (line.startsWith('import ') || /^export (\*|\{|default)/.test(line)) throw new Error(`dist/nodes/${category}.d.ts: cannot merge the line: ${line}`)
      if (line === 'export {};') continue
      const name = DECLARED.exec(line)?.[1]
      if (name !== undefined) {
        if (declared.has(name)) throw new Error(`dist/nodes/${category}.d.ts: ${name} is declared by two categories`)
        declared.add(name)
      } else if (/^[^\s/*}]/.test(line)) {
        // Top-level code that is not an exported declaration (a private helper would leak into the entry's scope):
        throw new Error(`dist/nodes/${category}.d.ts: unexpected top-level line: ${line}`)
      }
      body.push(line)
    }
    bodies.push(body.join('\n'))
    rmSync(file)
  }
  const importLines = [...imports].map(([module, names]) => `import type { ${[...names].join(', ')} } from '${module}';`)
  writeFileSync(ENTRY, [...importLines, ...bodies, ...kept, ''].join('\n'))
}
