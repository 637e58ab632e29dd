/**
 * Codegen orchestration: NodeDef model -> plan -> ts-morph structures -> file texts. The structures are printed
 * by print.ts, so generating never loads ts-morph or the TypeScript compiler.
 * @module
 */
import type { StatementStructures } from 'ts-morph'
import type { DefSet } from '../defs/model.js'
import { definitionsVersionLabel } from '../validate/server-version.js'
import { compareText, DSL_TYPE_IMPORTS, DSL_VALUE_IMPORTS, planCodegen, type ClassPlan, type CodegenPlan } from './plan.js'
import { printStatements } from './print.js'
import { classStatements, enumStatements } from './render.js'
import { GENERATED_MARKER } from './marker.js'

export { GENERATED_MARKER } from './marker.js'

export interface GenerateOptions {
  /** Module the generated code imports the DSL from (default `comfy-dsl`). */
  readonly importFrom?: string
  /** Where the definitions came from (a file name or server URL), for the header. */
  readonly source?: string
}

export interface GeneratedFile {
  /** Path relative to the output folder. */
  readonly path: string
  readonly text: string
}

const ENUMS_FILE = '_enums'

/**
 * Generates the typed factory files for `defs`: one file per top-level category, shared unions, a barrel.
 * Synchronous work in fact (plan, ts-morph structures, printing without loading ts-morph); async for callers
 * that await it.
 */
export async function generateNodeFiles(defs: DefSet, options: GenerateOptions = {}): Promise<GeneratedFile[]> {
  // One file at a time, structures printed as soon as they are built: they die young, which the GC makes cheap.
  const files: GeneratedFile[] = []
  for (const layout of fileLayouts(defs, options)) files.push(printLayout(layout))
  return files
}

/** A file before printing: its structures, or its finished text (the barrel). */
export interface FileLayout {
  readonly path: string
  readonly header: string
  readonly statements?: StatementStructures[]
  /** Import lines, for what the statements use (noUnusedLocals accepts the files). */
  readonly imports?: string
  readonly text?: string
}

/** Stages 2 and 3 (plan, structures): everything but printing. */
export function layoutFiles(defs: DefSet, options: GenerateOptions = {}): FileLayout[] {
  return [...fileLayouts(defs, options)]
}

/** The layouts of {@link layoutFiles}, each file's structures built when it is reached. */
function* fileLayouts(defs: DefSet, options: GenerateOptions): Generator<FileLayout> {
  const plan = planCodegen(defs)
  const header = headerLines(defs, plan, options)
  const importFrom = options.importFrom ?? 'comfy-dsl'
  const enumNames = plan.enums.map((e) => e.name)
  if (plan.enums.length > 0) yield { path: `${ENUMS_FILE}.ts`, header, statements: enumStatements(plan) }
  const byFile = new Map(plan.files.map((file) => [file, [] as ClassPlan[]]))
  for (const c of plan.classes) byFile.get(c.file)?.push(c)
  for (const [file, classes] of byFile) {
    const statements: StatementStructures[] = []
    const uses = new Set<string>()
    for (const c of classes) statements.push(...classStatements(c, plan, uses))
    yield { path: `${file}.ts`, header, statements, imports: importLines(uses, importFrom, enumNames) }
  }
  yield { path: 'index.ts', header, text: barrel(plan) }
}

/** Stage 4: prints the structures (print.ts) and adds each file's imports. */
export function printFiles(layouts: readonly FileLayout[]): GeneratedFile[] {
  return layouts.map(printLayout)
}

function printLayout(layout: FileLayout): GeneratedFile {
  if (layout.statements === undefined) return { path: layout.path, text: `${layout.header}\n${layout.text ?? ''}` }
  const imports = layout.imports === undefined ? '' : `${layout.imports}\n`
  return { path: layout.path, text: `${layout.header}\n${imports}${printStatements(layout.statements)}` }
}

function headerLines(defs: DefSet, plan: CodegenPlan, options: GenerateOptions): string {
  const lines = [
    `// ${GENERATED_MARKER}`,
    `// Regenerate with \`comfy-dsl codegen\`${options.source ? ` (source: ${options.source})` : ''}.`,
    `// object_info sha256: ${defs.sha256 ?? 'unknown'}`,
    `// ComfyUI version: ${definitionsVersionLabel(defs)}`,
    `// Classes: ${plan.classes.length}`,
  ]
  return `${lines.join('\n')}\n`
}

function importLines(uses: ReadonlySet<string>, importFrom: string, enumNames: readonly string[]): string {
  const values = DSL_VALUE_IMPORTS.filter((name) => uses.has(name))
  const types = DSL_TYPE_IMPORTS.filter((name) => uses.has(name)).map((t) => `type ${t}`)
  const lines = [`import { ${[...values, ...types].join(', ')} } from '${importFrom}'`]
  const enums = enumNames.filter((name) => uses.has(name))
  if (enums.length > 0) lines.push(`import type { ${enums.join(', ')} } from './${ENUMS_FILE}.js'`)
  return `${lines.join('\n')}\n`
}

function barrel(plan: CodegenPlan): string {
  const lines = plan.files.map((file) => `export * from './${file}.js'`)
  if (plan.enums.length > 0) lines.push(`export type * from './${ENUMS_FILE}.js'`)
  return `${[...lines].sort(compareText).join('\n')}\n`
}
