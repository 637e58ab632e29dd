/**
 * Typed handles: {@link Output} for one output slot, {@link NodeHandle} for a node.
 * @module
 */

declare const OUTPUT_TYPE: unique symbol

/**
 * Handle to one output slot of a node. `T` is its ComfyUI type (`"MODEL"`, `"CLIP"`...).
 *
 * The phantom member is declared, never assigned: without a member that uses `T`, `Output<'CLIP'>` would
 * be assignable to `Output<'MODEL'>`. It is covariant, so `Output<'CLIP'>` fits `Output<string>` (a `*` input).
 */
export interface Output<out T extends string = string> {
  readonly node: NodeHandle
  readonly slot: number
  /** The declared type name, at run time. */
  readonly type: string
  /** Phantom: carries `T` for the compiler only. */
  readonly [OUTPUT_TYPE]: T
}

/** What a socket of type `T` accepts: an output of that type, or of the wildcard type `*`. */
export type Link<T extends string> = Output<T | '*'>

/** Options every node factory takes besides its inputs. */
export interface NodeOptions {
  /** Pin the node id in the API JSON (otherwise ids are assigned deterministically). */
  readonly id?: string | number
  /** Title, written to `_meta.title`. */
  readonly title?: string
  /**
   * Write the server defaults of required inputs the caller left out (default true). `false` keeps the
   * inputs exactly as given, e.g. to reproduce a workflow saved before an input existed.
   */
  readonly fillDefaults?: boolean
  /**
   * Inputs the class does not declare, written to the API JSON as given. Older editors saved some (LoadImage's
   * `upload`, PreviewAny's display widgets) and the server ignores them; the typed factories refuse such names
   * in `inputs`, so an imported workflow keeps them here.
   */
  readonly undeclaredInputs?: Readonly<Record<string, InputValue>>
}

/** A value a node input may hold before serialization. */
export type InputValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | Output
  | readonly InputValue[]
  | { readonly [key: string]: InputValue }

/** A node in a graph: immutable, referencing the outputs it consumes. */
export interface NodeHandle {
  readonly classType: string
  /** Inputs as they will appear in the prompt (V3 dynamic groups already flattened to dotted keys). */
  readonly inputs: Readonly<Record<string, InputValue | undefined>>
  /** The pinned id, if any. */
  readonly id: string | undefined
  readonly title: string | undefined
  /** Output types by slot. */
  readonly outputTypes: readonly string[]
}

/** A node whose outputs are not known to the compiler (generic `node()`, run-time defs). */
export interface UntypedNode extends NodeHandle {
  /** Output `i`; typed as `Output<string>`, which only `*` inputs accept without {@link castOutput}. */
  out(i: number): Output
}

/** Explicit escape hatch: re-type an output (e.g. from a node built with run-time defs). */
export function castOutput<T extends string>(output: Output): Output<T> {
  return output as Output<T>
}

/** True when `value` is an {@link Output} handle. */
export function isOutput(value: unknown): value is Output {
  return typeof value === 'object' && value !== null && (value as { [OUTPUT_BRAND]?: true })[OUTPUT_BRAND] === true
}

/** True when `value` is a {@link NodeHandle}. */
export function isNodeHandle(value: unknown): value is NodeHandle {
  return typeof value === 'object' && value !== null && (value as { [NODE_BRAND]?: true })[NODE_BRAND] === true
}

/** @internal run-time brands (symbols shared via the global registry so duplicated copies still agree). */
export const OUTPUT_BRAND: unique symbol = Symbol.for('comfy-dsl.output') as never
/** @internal */
export const NODE_BRAND: unique symbol = Symbol.for('comfy-dsl.node') as never
