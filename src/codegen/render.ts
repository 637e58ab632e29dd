/**
 * Stage 3 of codegen: the plan to ts-morph structures (plain objects; printed once per file).
 * @module
 */
import type {
  FunctionDeclarationStructure,
  InterfaceDeclarationStructure,
  StatementStructures,
  TypeAliasDeclarationStructure,
} from 'ts-morph'
import type { InputDef, NodeDef } from '../defs/model.js'
import { stringifyJson } from '../json/lossless.js'
import { propertyKey, quote } from './names.js'
import { KIND } from './print.js'
import type { ClassPlan, CodegenPlan, EnumPlan } from './plan.js'
import { hasFillableDefault, inputNamesSpec } from '../dsl/node.js'
import { inputTypeText, isOptionalInput, literalUnion, outputTypeText, type TypeContext } from './type-text.js'

const DOC_ESCAPE = /\*\/|\r/

/** Keeps generated JSDoc from closing early and trims noise. */
export function docText(text: string): string {
  if (!DOC_ESCAPE.test(text)) return text.trim()
  return text.replace(/\*\//g, '*\\/').replace(/\r\n?/g, '\n').trim()
}

// JSDoc as one string: ts-morph prints strings directly, while JSDoc structures cost a writer per tag.
function doc(description: string, tags: { tagName: string; text?: string }[] = []): string {
  const lines = [docText(description)]
  for (const tag of tags) lines.push(tag.text === undefined ? `@${tag.tagName}` : `@${tag.tagName} ${docText(tag.text)}`)
  return lines.filter((l) => l !== '').join('\n')
}

function formatValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}`
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value)
  return stringifyJson(value)
}

/** JSDoc of one input: tooltip, then default, min, max, step. */
function inputDoc(input: InputDef): string | undefined {
  const tags: { tagName: string; text?: string }[] = []
  if (input.default !== undefined) tags.push({ tagName: 'default', text: formatValue(input.default) })
  if (input.kind === 'INT' || input.kind === 'FLOAT') {
    if (input.min !== undefined) tags.push({ tagName: 'min', text: formatValue(input.min) })
    if (input.max !== undefined) tags.push({ tagName: 'max', text: formatValue(input.max) })
    if (input.step !== undefined) tags.push({ tagName: 'step', text: formatValue(input.step) })
  }
  if (!input.required) tags.push({ tagName: 'optional', text: 'the server runs without it' })
  const lines: string[] = []
  if (input.tooltip) lines.push(input.tooltip)
  if (input.kind === 'COMBO' && input.fileBacked) lines.push('A file on the server; checked against its list at validation time.')
  if (input.lazy) lines.push('Lazy: evaluated only when the node asks for it.')
  if (lines.length === 0 && tags.length === 0) return undefined
  return doc(lines.join('\n\n'), tags)
}

function typeParameters(plan: ClassPlan): { name: string; constraint: string }[] {
  return [...plan.matchTypes.values()].map((p) => ({ name: p.name, constraint: p.constraint }))
}

function typeArgs(plan: ClassPlan): string {
  const params = [...plan.matchTypes.values()]
  return params.length > 0 ? `<${params.map((p) => p.name).join(', ')}>` : ''
}

function inputsInterface(plan: ClassPlan, ctx: TypeContext): InterfaceDeclarationStructure {
  const { def } = plan
  return {
    kind: KIND.Interface,
    name: plan.inputsType,
    isExported: true,
    typeParameters: typeParameters(plan),
    docs: [doc(`Inputs of \`${def.classType}\`.`)],
    properties: def.inputs.map((input) => {
      const docs = inputDoc(input)
      return {
        name: propertyKey(input.name),
        isReadonly: true,
        hasQuestionToken: isOptionalInput(input),
        type: inputTypeText(input, ctx),
        ...(docs ? { docs: [docs] } : {}),
      }
    }),
  }
}

function nodeInterface(plan: ClassPlan, uses: Set<string>): InterfaceDeclarationStructure {
  uses.add('NodeHandle')
  const { def } = plan
  return {
    kind: KIND.Interface,
    name: plan.nodeType,
    isExported: true,
    typeParameters: typeParameters(plan),
    extends: ['NodeHandle'],
    docs: [doc(`A \`${def.classType}\` node: its outputs by slot${plan.outputNames.some((n) => n !== null) ? ' and by name' : ''}.`)],
    methods: def.outputs.map((output) => ({
      name: 'out',
      parameters: [{ name: 'slot', type: String(output.index) }],
      returnType: outputTypeText(output, plan.matchTypes, uses),
      docs: [doc(`${output.name}${output.isList ? ' (a list)' : ''}${output.tooltip ? `: ${output.tooltip}` : ''}`)],
    })),
    properties: def.outputs.flatMap((output) => {
      const name = plan.outputNames[output.index]
      if (name === null || name === undefined) return []
      return [
        {
          name: propertyKey(name),
          isReadonly: true,
          type: outputTypeText(output, plan.matchTypes, uses),
          ...(output.tooltip ? { docs: [doc(output.tooltip)] } : {}),
        },
      ]
    }),
  }
}

/** The run-time spec literal passed to `createNode`. */
function specLiteral(plan: ClassPlan): string {
  const { def } = plan
  const parts = [`classType: ${quote(def.classType)}`, `outputs: [${def.outputs.map((o) => quote(o.type)).join(', ')}]`]
  if (plan.outputNames.some((n) => n !== null)) {
    parts.push(`names: [${plan.outputNames.map((n) => (n === null ? 'null' : quote(n))).join(', ')}]`)
  }
  const defaults = def.inputs.filter((i) => i.required && hasFillableDefault(i))
  if (defaults.length > 0) {
    parts.push(`defaults: { ${defaults.map((i) => `${propertyKey(i.name)}: ${specValue(i.default)}`).join(', ')} }`)
  }
  const dynamic = def.inputs.flatMap((i) => {
    if (i.kind === 'AUTOGROW') {
      const value = i.prefix !== undefined ? `{ autogrow: ${quote(i.prefix)} }` : `{ autogrowNames: [${i.names.map(quote).join(', ')}] }`
      return [`${propertyKey(i.name)}: ${value}`]
    }
    if (i.kind === 'DYNAMIC_COMBO') return [`${propertyKey(i.name)}: { combo: true }`]
    return []
  })
  if (dynamic.length > 0) parts.push(`dynamic: { ${dynamic.join(', ')} }`)
  // So that a call from JavaScript (or through `any`) with an unknown or missing input throws NodeInputError:
  const { inputNames, required } = inputNamesSpec(def)
  parts.push(`inputNames: [${inputNames.map(quote).join(', ')}]`)
  if (required > 0) parts.push(`required: ${required}`)
  return `{ ${parts.join(', ')} }`
}

function specValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'string') return quote(value)
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value)
  return stringifyJson(value)
}

function factoryFunction(plan: ClassPlan, uses: Set<string>): FunctionDeclarationStructure {
  uses.add('NodeOptions').add('createNode')
  const { def } = plan
  const allOptional = def.inputs.every(isOptionalInput)
  const args = typeArgs(plan)
  return {
    kind: KIND.Function,
    name: plan.functionName,
    isExported: true,
    typeParameters: typeParameters(plan),
    docs: [classDoc(def, plan.nameNote)],
    parameters: [
      { name: 'inputs', type: `${plan.inputsType}${args}`, ...(allOptional ? { initializer: '{}' } : {}) },
      { name: 'options', type: 'NodeOptions', hasQuestionToken: true },
    ],
    returnType: `${plan.nodeType}${args}`,
    statements: [`return createNode<${plan.nodeType}${args}>(${specLiteral(plan)}, inputs, options)`],
  }
}

function classDoc(def: NodeDef, nameNote: string | undefined): string {
  const title = def.displayName && def.displayName !== def.classType ? `${def.displayName} (\`${def.classType}\`)` : `\`${def.classType}\``
  const lines = [`${title}${def.category ? `, category \`${def.category}\`` : ''}.`]
  if (nameNote !== undefined) lines.push(nameNote)
  if (def.description) lines.push(def.description)
  if (def.outputNode) lines.push('An output node: `toPrompt()` roots and the server runs what these reach.')
  const tags: { tagName: string; text?: string }[] = []
  if (def.deprecated) tags.push({ tagName: 'deprecated', text: 'The server marks this node deprecated.' })
  if (def.experimental) tags.push({ tagName: 'experimental' })
  return doc(lines.join('\n\n'), tags)
}

function enumAlias(e: EnumPlan): TypeAliasDeclarationStructure {
  return { kind: KIND.TypeAlias, name: e.name, isExported: true, type: literalUnion(e.options) }
}

/**
 * Structures of one class in a category file. Imports are left to the caller: `uses` collects the DSL names
 * and shared unions the structures refer to.
 */
export function classStatements(plan: ClassPlan, codegen: CodegenPlan, uses: Set<string>): StatementStructures[] {
  const ctx: TypeContext = { enums: codegen.enumRegistry, matchTypes: plan.matchTypes, uses }
  return [inputsInterface(plan, ctx), nodeInterface(plan, uses), factoryFunction(plan, uses)]
}

/** Structures of the shared unions file. */
export function enumStatements(codegen: CodegenPlan): StatementStructures[] {
  return codegen.enums.map((e) => enumAlias(e))
}
