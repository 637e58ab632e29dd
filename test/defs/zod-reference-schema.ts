/**
 * The zod schema src/defs/schema.ts replaced (the reference its hand-written checks are tested against in
 * schema.test.ts): the raw `/object_info` format, V1 and V3 nodes alike. Loose objects: servers and custom
 * nodes add fields, and a definition is only rejected for what the model actually reads.
 * @module
 */
import * as z from 'zod/mini'

const numberLike = z.union([z.number(), z.bigint()])
export const comboOptionSchema = z.union([z.string(), z.number(), z.boolean()])

/** The options object of an input spec. Only the fields the model reads are typed. */
export const inputOptionsSchema = z.looseObject({
  min: z.optional(numberLike),
  max: z.optional(numberLike),
  step: z.optional(numberLike),
  round: z.optional(z.union([numberLike, z.boolean()])),
  tooltip: z.optional(z.string()),
  display_name: z.optional(z.string()),
  forceInput: z.optional(z.boolean()),
  defaultInput: z.optional(z.boolean()),
  lazy: z.optional(z.boolean()),
  rawLink: z.optional(z.boolean()),
  advanced: z.optional(z.boolean()),
  multiline: z.optional(z.boolean()),
  dynamicPrompts: z.optional(z.boolean()),
  multiselect: z.optional(z.boolean()),
  options: z.optional(z.array(z.unknown())),
  control_after_generate: z.optional(z.union([z.boolean(), z.string()])),
})

/** `[type]` or `[type, options]`; the type is a string or (V1 combo) the option list. Extra items are ignored. */
export const inputSpecSchema = z.tuple(
  [z.union([z.string(), z.array(comboOptionSchema)]), z.optional(inputOptionsSchema)],
  z.unknown(),
)

const inputGroupSchema = z.record(z.string(), inputSpecSchema)

export const nodeInfoSchema = z.looseObject({
  input: z.looseObject({
    required: z.nullish(inputGroupSchema),
    optional: z.nullish(inputGroupSchema),
    // V1 hidden specs are bare strings; V3 ones are one-element arrays:
    hidden: z.nullish(z.record(z.string(), z.union([z.string(), z.array(z.unknown())]))),
  }),
  input_order: z.nullish(
    z.looseObject({
      required: z.nullish(z.array(z.string())),
      optional: z.nullish(z.array(z.string())),
      hidden: z.nullish(z.array(z.string())),
    }),
  ),
  output: z.array(z.union([z.string(), z.array(comboOptionSchema)])),
  output_is_list: z.nullish(z.array(z.nullable(z.boolean()))),
  output_name: z.nullish(z.array(z.nullable(z.string()))),
  output_tooltips: z.nullish(z.array(z.nullable(z.string()))),
  output_matchtypes: z.nullish(z.array(z.nullable(z.string()))),
  name: z.nullish(z.string()),
  display_name: z.nullish(z.string()),
  description: z.nullish(z.string()),
  category: z.nullish(z.string()),
  python_module: z.nullish(z.string()),
  output_node: z.nullish(z.boolean()),
  deprecated: z.nullish(z.boolean()),
  experimental: z.nullish(z.boolean()),
  dev_only: z.nullish(z.boolean()),
  api_node: z.nullish(z.boolean()),
  is_input_list: z.nullish(z.boolean()),
  search_aliases: z.nullish(z.array(z.string())),
})

export type RawNodeInfo = z.infer<typeof nodeInfoSchema>
export type RawInputSpec = z.infer<typeof inputSpecSchema>
export type RawInputOptions = z.infer<typeof inputOptionsSchema>

/** The whole `/object_info` response: class type to definition. */
export const objectInfoSchema = z.record(z.string(), z.unknown())
