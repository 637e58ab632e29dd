/**
 * Wire shapes of the ComfyUI server API (comfyui-protocol.md §2.3 to §2.13), as a real server sends them.
 * @module
 */

/** The top-level error of a rejected prompt. */
export interface ServerError {
  readonly type: string
  readonly message: string
  readonly details: string
  readonly extra_info: Readonly<Record<string, unknown>>
}

/** One node's entry in `node_errors`. */
export interface ServerNodeError {
  readonly errors: readonly ServerError[]
  readonly dependent_outputs: readonly string[]
  readonly class_type: string
}

/** `POST /prompt` 200 body. */
export interface PromptAccepted {
  readonly prompt_id: string
  readonly number: number
  readonly node_errors: Readonly<Record<string, ServerNodeError>>
}

/** A file an output node wrote: `{filename, subfolder, type}` (+ custom fields). */
export interface ServerFile {
  readonly filename: string
  readonly subfolder: string
  readonly type: string
  readonly [extra: string]: unknown
}

/** An output node's UI dict: `images`, `gifs`, `audio`, `text`... */
export type NodeOutputDict = Readonly<Record<string, unknown>>

export interface ExecutionErrorData {
  readonly prompt_id: string
  readonly node_id: string
  readonly node_type: string
  readonly executed: readonly string[]
  readonly exception_message: string
  readonly exception_type: string
  readonly traceback?: readonly string[]
  readonly current_inputs?: unknown
  readonly current_outputs?: unknown
  readonly timestamp?: number
}

export interface ExecutionInterruptedData {
  readonly prompt_id: string
  readonly node_id: string
  readonly node_type: string
  readonly executed: readonly string[]
  readonly timestamp?: number
}

/** `history[id].status.messages` entries: the persisted execution events. */
export type HistoryMessage = readonly [string, Readonly<Record<string, unknown>>]

export interface HistoryEntry {
  /** `[number, prompt_id, prompt, extra_data, outputs_to_execute]`. */
  readonly prompt: readonly unknown[]
  readonly outputs: Readonly<Record<string, NodeOutputDict>>
  readonly status?: {
    readonly status_str: 'success' | 'error' | string
    readonly completed: boolean
    readonly messages: readonly HistoryMessage[]
  }
  readonly meta?: Readonly<Record<string, unknown>>
}

/** `/queue` item: `[number, prompt_id, prompt, extra_data, outputs_to_execute]`. */
export type QueueItem = readonly [number, string, Readonly<Record<string, unknown>>, Readonly<Record<string, unknown>>, readonly string[]]

export interface QueueState {
  readonly queue_running: readonly QueueItem[]
  readonly queue_pending: readonly QueueItem[]
}

/** Per-node entry of a `progress_state` message. */
export interface NodeProgressState {
  readonly value: number
  readonly max: number
  readonly state: 'pending' | 'running' | 'finished' | 'error' | string
  readonly node_id: string
  readonly display_node_id?: string
  readonly parent_node_id?: string | null
  readonly real_node_id?: string
}

/** JSON messages of the WebSocket, by `type`. */
export interface ServerMessages {
  status: { status: { exec_info: { queue_remaining: number } }; sid?: string }
  execution_start: { prompt_id: string; timestamp: number }
  execution_cached: { nodes: string[]; prompt_id: string; timestamp: number }
  executing: { node: string | null; display_node?: string; prompt_id?: string }
  progress: { value: number; max: number; prompt_id?: string; node?: string }
  progress_state: { prompt_id: string; nodes: Record<string, NodeProgressState> }
  executed: { node: string; display_node?: string; output: NodeOutputDict | null; prompt_id: string }
  execution_success: { prompt_id: string; timestamp: number }
  execution_error: ExecutionErrorData
  execution_interrupted: ExecutionInterruptedData
  feature_flags: Record<string, unknown>
}

export type ServerMessageType = keyof ServerMessages

/** A message of a type the protocol defines. */
export type KnownMessage = {
  [K in ServerMessageType]: { readonly type: K; readonly data: ServerMessages[K]; readonly unknown?: undefined }
}[ServerMessageType]

/** A message of another type (custom nodes send their own): ignored by the client. */
export interface UnknownMessage {
  readonly type: string
  readonly data: unknown
  readonly unknown: true
}

export type ServerMessage = KnownMessage | UnknownMessage

/** Binary frame event types (`protocol.py` BinaryEventTypes). */
export const BINARY_PREVIEW_IMAGE = 1
export const BINARY_TEXT = 3
export const BINARY_PREVIEW_WITH_METADATA = 4

/** The metadata of a type-4 preview frame. */
export interface PreviewMetadata {
  readonly node_id?: string
  readonly prompt_id?: string
  readonly display_node_id?: string
  readonly parent_node_id?: string | null
  readonly real_node_id?: string
  readonly image_type?: string
}
