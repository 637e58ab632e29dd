/**
 * zod schema of the raw `/object_info` format, V1 and V3 nodes alike. Loose objects: servers and custom
 * nodes add fields, and a definition is only rejected for what the model actually reads.
 * @module
 */
import { z } from 'zod'

const numberLike = z.union([z.number(), z.bigint()])
export const comboOptionSchema = z.union([z.string(), z.number(), z.boolean()])

/** The options object of an input spec. Only the fields the model reads are typed. */
export const inputOptionsSchema = z.looseObject({
  min: numberLike.optional(),
  max: numberLike.optional(),
  step: numberLike.optional(),
  round: z.union([numberLike, z.boolean()]).optional(),
  tooltip: z.string().optional(),
  display_name: z.string().optional(),
  forceInput: z.boolean().optional(),
  defaultInput: z.boolean().optional(),
  lazy: z.boolean().optional(),
  rawLink: z.boolean().optional(),
  advanced: z.boolean().optional(),
  multiline: z.boolean().optional(),
  dynamicPrompts: z.boolean().optional(),
  multiselect: z.boolean().optional(),
  options: z.array(z.unknown()).optional(),
  control_after_generate: z.union([z.boolean(), z.string()]).optional(),
})

/** `[type]` or `[type, options]`; the type is a string or (V1 combo) the option list. Extra items are ignored. */
export const inputSpecSchema = z
  .tuple([z.union([z.string(), z.array(comboOptionSchema)]), inputOptionsSchema.optional()])
  .rest(z.unknown())

const inputGroupSchema = z.record(z.string(), inputSpecSchema)

export const nodeInfoSchema = z.looseObject({
  input: z.looseObject({
    required: inputGroupSchema.nullish(),
    optional: inputGroupSchema.nullish(),
    // V1 hidden specs are bare strings; V3 ones are one-element arrays:
    hidden: z.record(z.string(), z.union([z.string(), z.array(z.unknown())])).nullish(),
  }),
  input_order: z
    .looseObject({
      required: z.array(z.string()).nullish(),
      optional: z.array(z.string()).nullish(),
      hidden: z.array(z.string()).nullish(),
    })
    .nullish(),
  output: z.array(z.union([z.string(), z.array(comboOptionSchema)])),
  output_is_list: z.array(z.boolean().nullable()).nullish(),
  output_name: z.array(z.string().nullable()).nullish(),
  output_tooltips: z.array(z.string().nullable()).nullish(),
  output_matchtypes: z.array(z.string().nullable()).nullish(),
  name: z.string().nullish(),
  display_name: z.string().nullish(),
  description: z.string().nullish(),
  category: z.string().nullish(),
  python_module: z.string().nullish(),
  output_node: z.boolean().nullish(),
  deprecated: z.boolean().nullish(),
  experimental: z.boolean().nullish(),
  dev_only: z.boolean().nullish(),
  api_node: z.boolean().nullish(),
  is_input_list: z.boolean().nullish(),
  search_aliases: z.array(z.string()).nullish(),
})

export type RawNodeInfo = z.infer<typeof nodeInfoSchema>
export type RawInputSpec = z.infer<typeof inputSpecSchema>
export type RawInputOptions = z.infer<typeof inputOptionsSchema>

/** The whole `/object_info` response: class type to definition. */
export const objectInfoSchema = z.record(z.string(), z.unknown())
