/**
 * A JSON Schema of the API prompt format for editors. Each class's node schema (its inputs: links, literals
 * with bounds and options, `{"__value__": [...]}`) is a zod schema exported with zod 4's own JSON Schema
 * support; the dispatch on `class_type` is an `if`/`then` per class, which zod cannot express and which gives
 * editors precise messages where a `oneOf` over hundreds of classes would not. The schema describes the
 * canonical form; the server also accepts coercible values (numeric strings for INT...), which the validator,
 * not the schema, knows about.
 * @module
 */
import * as z from '../defs/zod.js'
import type { DefSet, InputDef, NodeDef } from '../defs/model.js'

export interface PromptSchemaOptions {
  /** `$id` of the schema document. */
  readonly id?: string
  /** Title; defaults to one naming the ComfyUI version of the definitions when known. */
  readonly title?: string
}

type JsonObject = Record<string, unknown>

const DRAFT = 'https://json-schema.org/draft/2020-12/schema'

/** Builds the schema for every class in `defs` (classes sorted by name, so the output is stable). */
export function buildPromptJsonSchema(defs: DefSet, options: PromptSchemaOptions = {}): JsonObject {
  const registry = z.registry<{ id: string }>()
  const integers = new WeakSet<object>()
  const shared = sharedSchemas(registry)
  const classIds = new Map<string, string>()
  const usedIds = new Set(['Link', 'WrappedList', 'NodeMeta', 'Node'])
  for (const name of [...defs.classes.keys()].sort()) {
    const id = uniqueId(name, usedIds)
    classIds.set(name, id)
    registry.add(nodeSchema(defs.classes.get(name) as NodeDef, shared, integers), { id })
  }
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    uri: (id) => `#/$defs/${id}`,
    unrepresentable: 'any',
    // zod's integers carry the safe-integer range; ComfyUI seeds go up to 2^64 - 1:
    override: ({ zodSchema, jsonSchema }) => {
      if (!integers.has(zodSchema)) return
      jsonSchema.type = 'integer'
    },
  })
  const $defs: JsonObject = {}
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _draft, $id: _id, ...body } = schema as JsonObject
    $defs[id] = body
  }
  $defs['Node'] = dispatchSchema(classIds)
  const title =
    options.title ?? `ComfyUI API prompt${defs.comfyuiVersion === undefined ? '' : ` (ComfyUI ${defs.comfyuiVersion} node definitions)`}`
  return {
    $schema: DRAFT,
    ...(options.id === undefined ? {} : { $id: options.id }),
    title,
    description: 'Node id to node {"class_type", "inputs", "_meta"?}: the "prompt" of POST /prompt.',
    type: 'object',
    additionalProperties: { $ref: '#/$defs/Node' },
    $defs,
  }
}

interface SharedSchemas {
  readonly link: z.ZodMiniType
  readonly wrapped: z.ZodMiniType
  readonly meta: z.ZodMiniType
}

function sharedSchemas(registry: z.core.$ZodRegistry<{ id: string }>): SharedSchemas {
  const link = z
    .tuple([z.string().check(z.meta({ description: 'id of the source node' })), z.number().check(z.meta({ description: 'output slot' }))])
    .check(z.meta({ description: 'A link: [source node id, output slot index]' }))
  const wrapped = z
    .object({ __value__: z.array(z.unknown()) })
    .check(z.meta({ description: 'A literal list, wrapped so that it is not read as a link' }))
  const meta = z.looseObject({ title: z.optional(z.string()) })
  registry.add(link, { id: 'Link' })
  registry.add(wrapped, { id: 'WrappedList' })
  registry.add(meta, { id: 'NodeMeta' })
  return { link, wrapped, meta }
}

/** `{class_type, inputs, _meta}` with `class_type` one of the known classes, then the class's own schema. */
function dispatchSchema(classIds: ReadonlyMap<string, string>): JsonObject {
  return {
    type: 'object',
    required: ['class_type', 'inputs'],
    properties: {
      class_type: { enum: [...classIds.keys()], description: 'The node class (a key of GET /object_info)' },
      inputs: { type: 'object' },
      _meta: { $ref: '#/$defs/NodeMeta' },
    },
    allOf: [...classIds].map(([name, id]) => ({
      if: { properties: { class_type: { const: name } }, required: ['class_type'] },
      then: { $ref: `#/$defs/${id}` },
    })),
  }
}

// $defs keys end up in JSON pointers and URI fragments: keep them to safe characters.
function uniqueId(name: string, used: Set<string>): string {
  const base = name.replace(/[^A-Za-z0-9_.-]/g, '_')
  let id = base
  for (let i = 2; used.has(id); i++) id = `${base}_${i}`
  used.add(id)
  return id
}

function nodeSchema(def: NodeDef, shared: SharedSchemas, integers: WeakSet<object>): z.ZodMiniType {
  const shape: Record<string, z.ZodMiniType> = {}
  for (const input of def.inputs) {
    // An Autogrow has no key of its own, only its dotted entries:
    if (input.kind === 'AUTOGROW') continue
    const value = inputSchema(input, shared, integers)
    shape[input.name] = input.required ? value : z.optional(value)
  }
  // The server ignores undeclared inputs (older editors add "upload", "choose file to upload"), and dynamic inputs
  // add dotted keys ("values.a") that depend on the values:
  const inputs = z.catchall(z.object(shape), z.unknown())
  const description = [def.displayName === def.classType ? '' : def.displayName, def.description]
    .filter((text) => text !== '')
    .join(': ')
  // The server adds keys to nodes (is_changed) and ignores them on the way in:
  const node = z.catchall(z.object({ class_type: z.literal(def.classType), inputs, _meta: z.optional(shared.meta) }), z.unknown())
  return description === '' ? node : node.check(z.meta({ description }))
}

function inputSchema(input: InputDef, shared: SharedSchemas, integers: WeakSet<object>): z.ZodMiniType {
  const literal = literalSchema(input, integers)
  const schema = literal === undefined ? shared.link : z.union([literal, shared.link, shared.wrapped])
  const info: Record<string, unknown> = {}
  if (input.tooltip !== undefined) info['description'] = input.tooltip
  if (isJsonScalar(input.default)) info['default'] = input.default
  return Object.keys(info).length > 0 ? schema.check(z.meta(info)) : schema
}

function literalSchema(input: InputDef, integers: WeakSet<object>): z.ZodMiniType | undefined {
  switch (input.kind) {
    case 'INT':
    case 'FLOAT': {
      const bounds = [
        ...(input.min === undefined ? [] : [z.minimum(Number(input.min))]),
        ...(input.max === undefined ? [] : [z.maximum(Number(input.max))]),
      ]
      const schema = bounds.length > 0 ? z.number().check(...bounds) : z.number()
      if (input.kind === 'INT') integers.add(schema)
      return schema
    }
    case 'STRING':
      return z.string()
    case 'BOOLEAN':
      return z.boolean()
    case 'COMBO': {
      const options = input.options.filter(isJsonScalar)
      // File lists differ from server to server: any string, with the snapshot's files as suggestions.
      if (input.fileBacked || options.length === 0) {
        return options.length > 0 ? z.string().check(z.meta({ examples: options.slice(0, 50) })) : z.string()
      }
      return z.literal(options)
    }
    case 'DYNAMIC_COMBO':
      return z.literal(input.choices.map((choice) => choice.key))
    case 'LINK':
      // A `*` socket takes any literal too:
      return input.type === '*' ? z.unknown() : undefined
    default:
      return undefined
  }
}

function isJsonScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
}

/**
 * The schema as file text: one line per class definition, so a changed class changes one line of the diff,
 * and about half the size of indented JSON.
 */
export function promptJsonSchemaText(schema: JsonObject): string {
  const { $defs, ...head } = schema
  const lines = Object.entries(head).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`)
  const defs = Object.entries(($defs ?? {}) as JsonObject).map(([key, value]) => `    ${JSON.stringify(key)}: ${JSON.stringify(value)}`)
  lines.push(`  "$defs": {\n${defs.join(',\n')}\n  }`)
  return `{\n${lines.join(',\n')}\n}\n`
}
