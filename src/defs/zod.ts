/**
 * The parts of zod/mini this package uses, from one module. zod's entries (`zod`, `zod/mini`, `zod/v4/core`)
 * all re-export its 60-odd locales (`export * as locales`), so any import of them loads ~90 modules, which was
 * most of the start-up of `import 'comfy-dsl'`. Only the JSON Schema export
 * (validate/json-schema.ts) uses zod now. `npm run build` therefore replaces the compiled copy of this
 * file with a bundle of just these names (scripts/build.ts): no locales, one module. Run from source
 * (tsx, vitest), it is plain zod/mini; the messages are the same, as zod/mini sets no locale by default.
 * Add a name here before using it elsewhere.
 * @module
 */
export {
  array,
  boolean,
  catchall,
  literal,
  looseObject,
  maximum,
  meta,
  minimum,
  number,
  object,
  optional,
  registry,
  string,
  toJSONSchema,
  tuple,
  union,
  unknown,
} from 'zod/mini'
export type { core, infer, ZodMiniType } from 'zod/mini'
