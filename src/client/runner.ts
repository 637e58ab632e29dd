/**
 * The surface `ComfyClient` (one server) and `ComfyPool` (several) share, so code written against one runs on
 * the other: submit a graph and get a job handle, run it to its results, or run the edit flow.
 * @module
 */
import type { EditOptions, EditResult } from '../edit/edit.js'
import type { SubmitOptions, RunOptions } from './client.js'
import type { JobEvent, JobEventListener, JobStatus } from './events.js'
import type { GraphInput } from './graph.js'
import type { WaitOptions } from './job.js'
import type { JobResults } from './outputs.js'

/** A submitted job, wherever it runs. */
export interface ComfyJob extends AsyncIterable<JobEvent> {
  /** The prompt id (the same on every server the job is sent to). */
  readonly id: string
  /** What is known without asking a server. */
  readonly state: JobStatus
  readonly done: boolean
  /** Things worth knowing that did not stop the job (dropped outputs, definitions drift). */
  readonly warnings: readonly string[]
  /** Subscribes to the job's events; returns the unsubscribe function. */
  on(listener: JobEventListener): () => void
  /** The status as the server sees it. */
  status(): Promise<JobStatus>
  /** The results once complete; rejects with a `JobError` otherwise. */
  wait(options?: WaitOptions): Promise<JobResults>
  results(): Promise<JobResults>
  /** Removes the job from the queue when pending, interrupts it when running. */
  cancel(): Promise<void>
}

/** What runs graphs: a `ComfyClient` on one server, or a `ComfyPool` over several. */
export interface ComfyRunner {
  submit(graph: GraphInput, options?: SubmitOptions): Promise<ComfyJob>
  run(graph: GraphInput, options?: RunOptions): Promise<JobResults>
  edit(options: EditOptions): Promise<EditResult>
  close(): Promise<void>
}
