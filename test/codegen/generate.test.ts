import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { generateNodeFiles, GENERATED_MARKER } from '../../src/codegen/generate.js'
import { loadObjectInfoFile } from '../../src/codegen/source.js'
import { writeGeneratedFiles } from '../../src/codegen/write.js'
import { StaleGeneratedCodeError } from '../../src/errors.js'
import { fixturePath, OBJECT_INFO_FILES } from '../helpers/fixtures.js'
import { STRICT_OPTIONS, typecheck } from '../helpers/typecheck.js'

const ROOT = join(import.meta.dirname, '..', '..')
const ROOT_ENTRY = join(ROOT, 'src', 'index.js')
const temp = mkdtempSync(join(tmpdir(), 'comfy-dsl-codegen-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

describe(generateNodeFiles.name, () => {
  test('snapshot of a small object_info (real class definitions)', async () => {
    const { defs } = await loadObjectInfoFile(fixturePath('codegen', 'mini.object_info.json'), { comfyuiVersion: '0.26.0' })
    const files = await generateNodeFiles(defs, { importFrom: 'comfy-dsl' })
    const text = files.map((f) => `//// ${f.path}\n${f.text}`).join('\n')
    await expect(text).toMatchFileSnapshot('__snapshots__/mini.nodes.ts.snap')
    expect(files[0]?.text.split('\n')[0]).toBe(`// ${GENERATED_MARKER}`)
    expect(text).toContain('// object_info sha256: ')
    expect(text).toContain('// ComfyUI version: 0.26.0')
  })

  test('the same definitions give the same bytes', async () => {
    const { defs } = await loadObjectInfoFile(fixturePath('codegen', 'mini.object_info.json'))
    const a = await generateNodeFiles(defs)
    const b = await generateNodeFiles(defs)
    expect(a).toEqual(b)
  })

  // One TypeScript program for all the snapshots' outputs (the compiler's own start-up and the DSL's types are
  // paid once), compiled against the package's root entry, the only module generated code may import:
  let compiled: { errors: string[] } | undefined
  const compileAll = async (): Promise<{ errors: string[] }> => {
    if (compiled) return compiled
    const roots: string[] = []
    for (const [name, file] of Object.entries(OBJECT_INFO_FILES)) {
      const { defs, problems } = await loadObjectInfoFile(fixturePath('object_info', file))
      expect(problems).toEqual([])
      const out = join(temp, name)
      const importFrom = relative(out, ROOT_ENTRY).replaceAll('\\', '/')
      await writeGeneratedFiles(out, await generateNodeFiles(defs, { importFrom }))
      roots.push(join(out, 'index.ts'))
    }
    // The root entry's own sources use Node's globals (structuredClone), as a Node user's project has them:
    compiled = typecheck(roots, { ...STRICT_OPTIONS, types: ['node'], skipLibCheck: true })
    return compiled
  }

  test.each(Object.keys(OBJECT_INFO_FILES))(
    'the output for %s compiles under strict tsc against the root entry',
    async (name) => {
      const { errors } = await compileAll()
      expect(errors.filter((e) => e.startsWith(join(temp, name) + '/'))).toEqual([])
      expect(errors).toEqual([])
    },
    300_000,
  )
})

describe(writeGeneratedFiles.name, () => {
  test('check mode reports stale, missing and obsolete files and writes nothing', async () => {
    const out = join(temp, 'check')
    const files = [
      { path: 'a.ts', text: `// ${GENERATED_MARKER}\nexport const a = 1\n` },
      { path: 'b.ts', text: `// ${GENERATED_MARKER}\nexport const b = 1\n` },
    ]
    await writeGeneratedFiles(out, files)
    await expect(writeGeneratedFiles(out, files, { check: true })).resolves.toEqual({ changed: [], obsolete: [] })
    writeFileSync(join(out, 'old.ts'), `// ${GENERATED_MARKER}\n`)
    writeFileSync(join(out, 'mine.ts'), 'export const mine = 1\n')
    const changed = [{ path: 'a.ts', text: `// ${GENERATED_MARKER}\nexport const a = 2\n` }, files[1]!]
    const error = await writeGeneratedFiles(out, changed, { check: true }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StaleGeneratedCodeError)
    expect((error as StaleGeneratedCodeError).staleFiles.map((f) => relative(out, f))).toEqual(['a.ts', 'old.ts'])
    expect(readFileSync(join(out, 'a.ts'), 'utf8')).toContain('a = 1')
    // Writing removes obsolete generated files but never a file without the header:
    await writeGeneratedFiles(out, changed)
    expect(() => readFileSync(join(out, 'old.ts'))).toThrow()
    expect(readFileSync(join(out, 'mine.ts'), 'utf8')).toContain('mine')
  })
})
