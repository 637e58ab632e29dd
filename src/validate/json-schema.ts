/**
 * A JSON Schema of the API prompt format for editors: one branch per class, keyed by `class_type`, with the
 * class's inputs (links, literals with their bounds and options, `{"__value__": [...]}`), built with zod 4's
 * own JSON Schema export. It describes the canonical form; the server also accepts coercible values (numeric
 * strings for INT and so on), which the validator, not the schema, knows about.
 * @module
 */
import { z } from 'zod'
import type { DefSet, InputDef, NodeDef } from '../defs/model.js'

export interface PromptSchemaOptions {
  /** `$id` of the schema document. */
  readonly id?: string
  /** Title line; defaults to one naming the ComfyUI version of the definitions when known. */
  readonly title?: string
}

const link = z
  .tuple([z.string().meta({ description: 'id of the source node' }), z.int().meta({ description: 'output slot' })])
  .meta({ id: 'Link', description: 'A link: [source node id, output slot index]' })

const wrapped = z
  .object({ __value__: z.array(z.unknown()) })
  .meta({ id: 'WrappedList', description: 'A literal list value, wrapped so it is not read as a link' })

const meta = z.object({ title: z.string().optional() }).loose().meta({ id: 'NodeMeta' })

/** Builds the schema for every class in `defs`; the result is a plain JSON Schema (draft 2020-12) object. */
export function buildPromptJsonSchema(defs: DefSet, options: PromptSchemaOptions = {}): Record<string, unknown> {
  const classNames = [...defs.classes.keys()].sort()
  const branches = classNames.map((name) => nodeSchema(defs.classes.get(name) as NodeDef))
  const node =
    branches.length >= 2
      ? z.discriminatedUnion('class_type', branches as [z.ZodObject, z.ZodObject, ...z.ZodObject[]])
      : (branches[0] ?? z.object({ class_type: z.string(), inputs: z.record(z.string(), z.unknown()) }))
  const prompt = z.record(z.string(), node).meta({
    title:
      options.title ??
      `ComfyUI API prompt${defs.comfyuiVersion === undefined ? '' : ` (ComfyUI ${defs.comfyuiVersion} node definitions)`}`,
    description: 'Node id to node: {"class_type", "inputs", "_meta"?}. POST it as the "prompt" of /prompt.',
  })
  const schema = z.toJSONSchema(prompt, { target: 'draft-2020-12', reused: 'ref', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >
  return options.id === undefined ? schema : { $id: options.id, ...schema }
}

function nodeSchema(def: NodeDef): z.ZodObject {
  const shape: Record<string, z.ZodType> = {}
  let dynamic = false
  for (const input of def.inputs) {
    if (input.kind === 'AUTOGROW' || input.kind === 'DYNAMIC_COMBO' || input.kind === 'DYNAMIC_SLOT') {
      dynamic = true
      if (input.kind === 'AUTOGROW') continue
    }
    const value = inputSchema(input)
    shape[input.name] = input.required ? value : value.optional()
  }
  // Dynamic inputs add dotted keys ("values.a") that depend on the values; other unknown keys are typos:
  const inputs = dynamic ? z.object(shape).catchall(z.unknown()) : z.object(shape).strict()
  const description = [def.displayName !== def.classType ? def.displayName : '', def.description]
    .filter((t) => t !== '')
    .join(' - ')
  return z
    .object({
      class_type: z.literal(def.classType),
      inputs,
      _meta: meta.optional(),
    })
    .meta(description === '' ? {} : { description })
}

function inputSchema(input: InputDef): z.ZodType {
  const described = (schema: z.ZodType): z.ZodType => {
    const info: Record<string, unknown> = {}
    if (input.tooltip !== undefined) info['description'] = input.tooltip
    if (input.default !== undefined && isJsonSafe(input.default)) info['default'] = input.default
    return Object.keys(info).length > 0 ? schema.meta(info) : schema
  }
  const literal = literalSchema(input)
  return described(literal === undefined ? link : z.union([literal, link, wrapped]))
}

function literalSchema(input: InputDef): z.ZodType | undefined {
  switch (input.kind) {
    case 'INT': {
      let schema = z.int()
      if (input.min !== undefined) schema = schema.min(Number(input.min))
      if (input.max !== undefined) schema = schema.max(Number(input.max))
      return schema
    }
    case 'FLOAT': {
      let schema = z.number()
      if (input.min !== undefined) schema = schema.min(Number(input.min))
      if (input.max !== undefined) schema = schema.max(Number(input.max))
      return schema
    }
    case 'STRING':
      return z.string()
    case 'BOOLEAN':
      return z.boolean()
    case 'COMBO': {
      const options = input.options.filter((o): o is string | number | boolean => isJsonSafe(o))
      // File lists differ per server: any string, with the snapshot's files as suggestions.
      if (input.fileBacked || options.length === 0) {
        return options.length > 0 ? z.string().meta({ examples: options.slice(0, 50) }) : z.string()
      }
      return z.union(options.map((o) => z.literal(o)) as unknown as [z.ZodLiteral, z.ZodLiteral, ...z.ZodLiteral[]])
    }
    case 'DYNAMIC_COMBO':
      return z.enum(input.choices.map((c) => c.key) as [string, ...string[]])
    case 'LINK':
      return input.type === '*' ? z.unknown() : undefined
    default:
      return undefined
  }
}

function isJsonSafe(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
}
