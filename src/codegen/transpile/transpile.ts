/**
 * API JSON to DSL source that uses the generated factories, printed with ts-morph. The source compiles under
 * strict tsc and `toPrompt` of its export gives the same API JSON back (ids pinned, titles kept).
 * @module
 */
import type { StatementStructures } from 'ts-morph'
import { importApiPrompt } from '../../convert/import-api.js'
import { postOrder } from '../../graph/post-order.js'
import type { DefSet } from '../../defs/model.js'
import type { ApiPrompt } from '../../dsl/prompt.js'
import { isIdentifier, quote, SymbolCollection, toCamelCase } from '../names.js'
import { compareText, planCodegen, type ClassPlan } from '../plan.js'
import { isLink, typedInputs, untypedInputs, type LinkSource } from './fit.js'

export interface TranspileOptions {
  /** Module of the generated factories (default `comfy-dsl/nodes`). */
  readonly nodesModule?: string
  /** Module of the DSL (default `comfy-dsl`). */
  readonly dslModule?: string
  /** Named in the header comment and in errors. */
  readonly file?: string
}

export interface TranspileResult {
  readonly source: string
  /** Nodes written with the untyped `node()`, and why. */
  readonly untyped: readonly { readonly id: string; readonly classType: string; readonly reason: string }[]
  /** What the source cannot carry (e.g. a node's `is_changed`). */
  readonly warnings: readonly string[]
}

interface NodeEntry {
  readonly id: string
  readonly classType: string
  readonly inputs: Record<string, unknown>
  readonly title: string | undefined
}

/**
 * Transpiles an API prompt. Throws WorkflowFormatError (with the JSON path) for what a graph of node handles
 * cannot express: links to missing nodes, cycles, malformed nodes.
 */
export async function transpileToDsl(prompt: unknown, defs: DefSet, options: TranspileOptions = {}): Promise<TranspileResult> {
  // Structural checks (dangling links, cycles, shapes) and warnings are shared with the API importer:
  const imported = importApiPrompt(prompt, { defs, ...(options.file === undefined ? {} : { file: options.file }) })
  const api = (isPromptBody(prompt) ? prompt.prompt : prompt) as ApiPrompt
  const entries = dependencyOrder(api)
  const plans = plansOf(defs)

  const factoriesUsed = new Set<string>()
  const names = new SymbolCollection(['toPrompt', 'node', 'castOutput', 'prompt', ...[...plans.values()].map((p) => p.functionName)])
  const variables = new Map<string, string>()
  const typedClass = new Map<string, ClassPlan>()
  const untyped: { id: string; classType: string; reason: string }[] = []
  const statements: { name: string; initializer: string }[] = []

  const resolve = (link: [string, number]): LinkSource => {
    const [id, slot] = link
    const variable = variables.get(id) as string
    const plan = typedClass.get(id)
    if (plan === undefined) return { expression: `${variable}.out(${slot})`, type: undefined }
    const output = plan.def.outputs[slot]
    const name = plan.outputNames[slot]
    const expression = name && isIdentifier(name) ? `${variable}.${name}` : `${variable}.out(${slot})`
    return { expression, type: output?.type }
  }

  for (const entry of entries) {
    // `ksampler3` for node 3 when the factory's own name is taken; a title gives its own name:
    const base = toCamelCase(entry.title ?? entry.classType) || 'node'
    const variable = names.allocate(names.has(base) ? `${base}${entry.id.replace(/\W+/g, '_')}` : base)
    variables.set(entry.id, variable)
    const nodeOptions = [`id: ${quote(entry.id)}`, ...(entry.title === undefined ? [] : [`title: ${quote(entry.title)}`])]
    const plan = plans.get(entry.classType)
    const typed = plan === undefined ? undefined : typedInputs(plan.def, entry.inputs, resolve)
    if (plan !== undefined && typed !== undefined) {
      typedClass.set(entry.id, plan)
      factoriesUsed.add(plan.functionName)
      const typedOptions = [
        ...nodeOptions,
        ...(typed.keepMissingDefaults ? ['fillDefaults: false'] : []),
        ...(typed.undeclared.length > 0 ? [`undeclaredInputs: { ${typed.undeclared.join(', ')} }`] : []),
      ]
      statements.push({
        name: variable,
        initializer: `${plan.functionName}(${objectSource(typed.members)}, { ${typedOptions.join(', ')} })`,
      })
    } else {
      untyped.push({
        id: entry.id,
        classType: entry.classType,
        reason: plan === undefined ? 'class not in the definitions' : 'inputs outside what the typed factory accepts',
      })
      statements.push({
        name: variable,
        initializer: `node(${quote(entry.classType)}, ${objectSource(untypedInputs(entry.inputs, resolve))}, { ${nodeOptions.join(', ')} })`,
      })
    }
  }
  const roots = imported.roots.map((root) => variables.get(root.id as string) as string)
  const body = statements.map((s) => s.initializer).join('\n')
  const dslImports = ['toPrompt', ...['node', 'castOutput'].filter((name) => new RegExp(`\\b${name}[<(]`).test(body))]
  const { StructureKind, VariableDeclarationKind, printStructure } = await import('ts-morph')
  const imports: StatementStructures[] = [
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: options.dslModule ?? 'comfy-dsl', namedImports: dslImports.sort(compareText) },
  ]
  if (factoriesUsed.size > 0) {
    imports.push({
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: options.nodesModule ?? 'comfy-dsl/nodes',
      namedImports: [...factoriesUsed].sort(compareText),
    })
  }
  const header = `// Transpiled by comfy-dsl${options.file ? ` from ${options.file}` : ''}. toPrompt() of the export gives the same API JSON.\n`
  const declarations: StatementStructures[] = statements.map((s) => ({
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: s.name, initializer: s.initializer }],
  }))
  declarations.push({
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    isExported: true,
    declarations: [{ name: 'prompt', initializer: `toPrompt(${roots.join(', ')})` }],
  })
  declarations.push({ kind: StructureKind.ExportAssignment, expression: 'prompt', isExportEquals: false })
  const printed = printStructure({ kind: StructureKind.SourceFile, statements: [...imports, ...declarations] }, {
    indentNumberOfSpaces: 2,
    useSingleQuote: true,
  })
  return {
    source: header + printed,
    untyped,
    warnings: imported.warnings.map((w) => w.message),
  }
}

// Naming every class of a DefSet takes a while; a definition set is immutable, so it is done once per set:
const planCache = new WeakMap<DefSet, ReadonlyMap<string, ClassPlan>>()

function plansOf(defs: DefSet): ReadonlyMap<string, ClassPlan> {
  let plans = planCache.get(defs)
  if (plans === undefined) {
    plans = new Map(planCodegen(defs).classes.map((c) => [c.def.classType, c]))
    planCache.set(defs, plans)
  }
  return plans
}

function objectSource(members: readonly string[]): string {
  return members.length === 0 ? '{}' : `{ ${members.join(', ')} }`
}

function isPromptBody(value: unknown): value is { prompt: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'prompt' in value && !('class_type' in value)
}

// Dependencies first, otherwise in prompt order (importApiPrompt has already rejected cycles and dangling links):
function dependencyOrder(api: ApiPrompt): NodeEntry[] {
  return postOrder(Object.keys(api), (id) => linksOf(api, id)).map((id) => {
    const node = api[id] as { class_type: string; inputs?: Record<string, unknown>; _meta?: { title?: unknown } }
    const title = node._meta?.title
    return { id, classType: node.class_type, inputs: node.inputs ?? {}, title: typeof title === 'string' ? title : undefined }
  })
}

function linksOf(api: ApiPrompt, id: string): string[] {
  const inputs = (api[id] as { inputs?: Record<string, unknown> }).inputs ?? {}
  return Object.values(inputs).flatMap((value) => (isLink(value) ? [value[0]] : []))
}
