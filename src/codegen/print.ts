/**
 * Stage 4 of codegen: prints ts-morph structures to text without loading ts-morph (and so the TypeScript
 * compiler it carries, ~0.5-0.9 s). It covers the structures render.ts builds (interfaces with properties and
 * method signatures, functions with string statements, type aliases, JSDoc as strings) and prints them
 * byte for byte as ts-morph's `printStructure` does with 2-space indentation (a test compares the two on
 * every fixture snapshot); a structure outside that subset throws instead of printing something else.
 * @module
 */
import type {
  FunctionDeclarationStructure,
  InterfaceDeclarationStructure,
  JSDocStructure,
  MethodSignatureStructure,
  OptionalKind,
  ParameterDeclarationStructure,
  PropertySignatureStructure,
  StatementStructures,
  StructureKind,
  TypeAliasDeclarationStructure,
  TypeParameterDeclarationStructure,
  WriterFunction,
} from 'ts-morph'
import { ComfyError } from '../errors.js'

/** A structure the printer does not cover (a programming error in codegen, not bad input). */
export class UnsupportedStructureError extends ComfyError {}

/** ts-morph's StructureKind values of the kinds printed here (ts-morph is pinned; a test checks them against it). */
export const KIND = {
  Function: 13 as StructureKind.Function,
  Interface: 19 as StructureKind.Interface,
  TypeAlias: 38 as StructureKind.TypeAlias,
} as const

const INDENT = '  '

type Doc = string | WriterFunction | OptionalKind<JSDocStructure>
type Text = string | WriterFunction | undefined

/** Prints top-level statements as ts-morph's `printStructure({ kind: SourceFile, statements })` would. */
export function printStatements(statements: readonly StatementStructures[]): string {
  const out: string[] = []
  let lastWasBlock = false
  for (const [i, statement] of statements.entries()) {
    const kind = statement.kind as number
    // A blank line after a closing brace and before an interface or function; type aliases follow each other:
    if (i > 0) out.push(lastWasBlock || kind !== KIND.TypeAlias ? '\n\n' : '\n')
    if (kind === KIND.Interface) out.push(interfaceText(statement as InterfaceDeclarationStructure))
    else if (kind === KIND.Function) out.push(functionText(statement as FunctionDeclarationStructure))
    else if (kind === KIND.TypeAlias) out.push(typeAliasText(statement as TypeAliasDeclarationStructure))
    else throw new UnsupportedStructureError(`codegen printer: statement kind ${kind} is not supported`)
    lastWasBlock = kind !== KIND.TypeAlias
  }
  return out.length > 0 ? `${out.join('')}\n` : ''
}

function interfaceText(s: InterfaceDeclarationStructure): string {
  unsupported(s, ['callSignatures', 'constructSignatures', 'indexSignatures', 'getAccessors', 'setAccessors', 'hasDeclareKeyword', 'isDefaultExport'])
  const extendsText = Array.isArray(s.extends) ? s.extends.map(text).join(', ') : text(s.extends as Text)
  const members: string[] = []
  for (const p of s.properties ?? []) members.push(propertyText(p))
  for (const m of s.methods ?? []) members.push(methodText(m))
  const head = `${docsText(s.docs, '')}${s.isExported ? 'export ' : ''}interface ${s.name}${typeParametersText(s.typeParameters)} ${
    extendsText.trim() === '' ? '' : `extends ${extendsText} `
  }{\n`
  return `${head}${members.map((m) => `${m}\n`).join('')}}`
}

// Members and parameters are checked field by field (they are the many; a generic check per object costs):
function propertyText(p: OptionalKind<PropertySignatureStructure>): string {
  if (p.initializer !== undefined || p.leadingTrivia !== undefined || p.trailingTrivia !== undefined) unsupported(p, ['initializer', 'leadingTrivia', 'trailingTrivia'])
  return `${docsText(p.docs, INDENT)}${INDENT}${p.isReadonly ? 'readonly ' : ''}${p.name}${p.hasQuestionToken ? '?' : ''}${typed(': ', p.type)};`
}

function methodText(m: OptionalKind<MethodSignatureStructure>): string {
  if (m.leadingTrivia !== undefined || m.trailingTrivia !== undefined) unsupported(m, ['leadingTrivia', 'trailingTrivia'])
  return `${docsText(m.docs, INDENT)}${INDENT}${m.name}${m.hasQuestionToken ? '?' : ''}${typeParametersText(m.typeParameters)}(${parametersText(m.parameters)})${typed(': ', m.returnType)};`
}

function functionText(f: FunctionDeclarationStructure): string {
  unsupported(f, ['overloads', 'isGenerator', 'isAsync', 'hasDeclareKeyword', 'isDefaultExport', 'leadingTrivia', 'trailingTrivia'])
  const statements = Array.isArray(f.statements) ? f.statements : f.statements === undefined ? [] : [f.statements]
  const body = statements.map((statement) => {
    if (typeof statement !== 'string' || statement.includes('\n')) {
      throw new UnsupportedStructureError(`codegen printer: function ${f.name ?? ''}: statements must be one-line strings`)
    }
    return `${INDENT}${statement}\n`
  })
  return `${docsText(f.docs, '')}${f.isExported ? 'export ' : ''}function ${f.name ?? ''}${typeParametersText(f.typeParameters)}(${parametersText(
    f.parameters,
  )})${typed(': ', f.returnType)} {\n${body.join('')}}`
}

function typeAliasText(t: TypeAliasDeclarationStructure): string {
  unsupported(t, ['hasDeclareKeyword', 'isDefaultExport', 'leadingTrivia', 'trailingTrivia'])
  return `${docsText(t.docs, '')}${t.isExported ? 'export ' : ''}type ${t.name}${typeParametersText(t.typeParameters)}${typed(' = ', t.type)};`
}

function typeParametersText(params: readonly (string | OptionalKind<TypeParameterDeclarationStructure>)[] | undefined): string {
  if (params === undefined || params.length === 0) return ''
  const items = params.map((p) => {
    if (typeof p === 'string') return p
    unsupported(p, ['isConst', 'variance'])
    const constraint = text(p.constraint)
    const fallback = text(p.default)
    return `${p.name}${constraint.trim() === '' ? '' : ` extends ${constraint}`}${fallback.trim() === '' ? '' : ` = ${fallback}`}`
  })
  return `<${items.join(', ')}>`
}

function parametersText(params: readonly OptionalKind<ParameterDeclarationStructure>[] | undefined): string {
  return (params ?? [])
    .map((p) => {
      if (p.decorators !== undefined || p.isRestParameter === true || p.scope !== undefined || p.isReadonly === true || p.hasOverrideKeyword === true) {
        unsupported(p, ['decorators', 'isRestParameter', 'scope', 'isReadonly', 'hasOverrideKeyword'])
      }
      // ts-morph writes `any` for an optional parameter without a type:
      const type = p.type === undefined && p.hasQuestionToken ? 'any' : p.type
      const initializer = text(p.initializer)
      return `${p.name}${p.hasQuestionToken ? '?' : ''}${typed(': ', type)}${initializer.trim() === '' ? '' : ` = ${initializer}`}`
    })
    .join(', ')
}

function typed(separator: string, type: Text): string {
  const t = text(type)
  return t.trim() === '' ? '' : `${separator}${t}`
}

function text(value: Text): string {
  if (value === undefined) return ''
  if (typeof value !== 'string') throw new UnsupportedStructureError('codegen printer: writer functions are not supported')
  if (value.includes('\n')) throw new UnsupportedStructureError(`codegen printer: multi-line type text is not supported: ${value.slice(0, 60)}`)
  return value
}

/** JSDoc blocks (strings), each followed by a newline, as ts-morph's JSDocStructurePrinter writes them. */
function docsText(docs: readonly Doc[] | undefined, indent: string): string {
  if (docs === undefined) return ''
  let out = ''
  for (const doc of docs) {
    if (typeof doc !== 'string') throw new UnsupportedStructureError('codegen printer: JSDoc must be given as strings')
    const lines = doc.split(/\r?\n/)
    if (lines.length <= 1) {
      const opened = `/** ${lines[0] ?? ''}`
      out += `${indent}${opened}${opened.endsWith(' ') ? '' : ' '}*/\n`
      continue
    }
    out += `${indent}/**\n`
    for (let i = lines[0] === '' ? 1 : 0; i < lines.length; i++) {
      const line = lines[i] as string
      out += line === '' ? `${indent} *\n` : `${indent} * ${line}\n`
    }
    out += `${indent} */\n`
  }
  return out
}

// Fields this printer leaves out must be absent, so nothing is silently dropped:
function unsupported(structure: object, fields: readonly string[]): void {
  const s = structure as Record<string, unknown>
  for (const field of fields) {
    const value = s[field]
    if (value !== undefined && value !== false && !(Array.isArray(value) && value.length === 0)) {
      throw new UnsupportedStructureError(`codegen printer: '${field}' is not supported`)
    }
  }
}
