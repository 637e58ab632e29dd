/**
 * The codegen printer against ts-morph: the same structures printed by print.ts and by ts-morph's own
 * `printStructure` give the same bytes, for every class of every fixture snapshot.
 */
import { printStructure, StructureKind, type StatementStructures } from 'ts-morph'
import { describe, expect, test } from 'vitest'
import { layoutFiles } from '../../src/codegen/generate.js'
import { KIND, printStatements, UnsupportedStructureError } from '../../src/codegen/print.js'
import { loadDefs, OBJECT_INFO_FILES } from '../helpers/fixtures.js'

function tsMorphText(statements: StatementStructures[]): string {
  return printStructure({ kind: StructureKind.SourceFile, statements }, { indentNumberOfSpaces: 2, useSingleQuote: true, newLine: '\n' })
}

describe(printStatements.name, () => {
  test('its kind numbers are those of the installed ts-morph', () => {
    expect(KIND).toEqual({ Function: StructureKind.Function, Interface: StructureKind.Interface, TypeAlias: StructureKind.TypeAlias })
  })

  test.each(Object.keys(OBJECT_INFO_FILES) as (keyof typeof OBJECT_INFO_FILES)[])('prints %s as ts-morph does', (name) => {
    const layouts = layoutFiles(loadDefs(name)).filter((l) => l.statements !== undefined)
    expect(layouts.length).toBeGreaterThan(1)
    for (const layout of layouts) {
      const statements = layout.statements as StatementStructures[]
      expect(printStatements(statements), layout.path).toBe(tsMorphText(statements))
    }
  }, 60_000)

  test('edge cases of JSDoc, type parameters and parameters print as ts-morph does', () => {
    const statements: StatementStructures[] = [
      { kind: KIND.TypeAlias, name: 'A', isExported: true, type: `'a' | 'b'` },
      { kind: KIND.TypeAlias, name: 'B', type: 'string', docs: ['one line'] },
      {
        kind: KIND.Interface,
        name: 'Empty',
        docs: ['\nstarts with a blank line\n\nand has one inside', 'second block '],
      },
      {
        kind: KIND.Interface,
        name: 'Generic',
        isExported: true,
        typeParameters: [{ name: 'T', constraint: `'X' | 'Y'` }, 'U', { name: 'V', default: 'number' }],
        extends: ['NodeHandle', 'Other'],
        methods: [{ name: 'out', hasQuestionToken: true, parameters: [{ name: 'slot', type: '0' }], returnType: 'T', docs: [''] }],
      },
      {
        kind: KIND.Function,
        name: 'f',
        parameters: [{ name: 'a', initializer: '{}' }, { name: 'b', hasQuestionToken: true }],
        statements: ['return 1', 'return 2'],
      },
      { kind: KIND.TypeAlias, name: 'C', type: 'number' },
    ]
    expect(printStatements(statements)).toBe(tsMorphText(statements))
    expect(printStatements([])).toBe(tsMorphText([]))
  })

  test('a structure outside the printed subset throws instead of printing something else', () => {
    const withOverloads: StatementStructures = { kind: KIND.Function, name: 'f', overloads: [{ parameters: [] }] }
    expect(() => printStatements([withOverloads])).toThrow(UnsupportedStructureError)
    expect(() => printStatements([{ kind: StructureKind.Enum, name: 'E' }])).toThrow(/statement kind/)
    expect(() => printStatements([{ kind: KIND.TypeAlias, name: 'T', type: (w) => w.write('x') }])).toThrow(/writer functions/)
  })
})
