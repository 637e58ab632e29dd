/**
 * How the test server's stand-in nodes are written: an async function from input values to output values
 * (and a UI dict for output nodes), with a context for files, models, progress and interrupts.
 * @module
 */
import type { ServerFiles } from '../server-files.js'
import type { ModelCatalog } from '../models.js'
import type { Pixels } from '../pixels.js'

export interface NodeContext {
  readonly promptId: string
  readonly nodeId: string
  readonly classType: string
  /** The whole prompt and extra_data (SaveImage writes them into the PNG). */
  readonly prompt: Readonly<Record<string, unknown>>
  readonly extraData: Readonly<Record<string, unknown>>
  /** SaveImage embeds the prompt and `extra_pnginfo` (false: the server imitates `--disable-metadata`). */
  readonly metadata: boolean
  readonly files: ServerFiles
  readonly models: ModelCatalog
  /** A file name SaveImage reports instead of the real one (the hostile-file-name fault). */
  readonly reportedFileName: string | undefined
  /** One sampler step: reports progress, sends a preview, waits the configured step time, honours interrupts. */
  step(value: number, max: number, preview: Pixels): Promise<void>
}

export interface NodeOutput {
  readonly outputs: readonly unknown[]
  readonly ui?: Readonly<Record<string, unknown>>
}

export type NodeImplementation = (inputs: Readonly<Record<string, unknown>>, context: NodeContext) => Promise<NodeOutput>

/** An exception a node raises, reported in `execution_error` with its Python type name. */
export class NodeException extends Error {
  constructor(
    readonly pythonType: string,
    message: string,
    readonly traceback: readonly string[] = [],
  ) {
    super(message)
  }
}

/** Thrown at a step or node boundary when the running prompt was interrupted. */
export class Interrupted extends Error {
  constructor() {
    super('Processing interrupted')
  }
}
