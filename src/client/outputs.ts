/**
 * Results of a finished job: every output of every output node, files as references that can be read into a
 * Buffer, streamed, saved into a folder (server names never leave it) or handed to sharp.
 * @module
 */
import type { Readable } from 'node:stream'
import type { Sharp, SharpOptions } from 'sharp'
import type { NodeHandle } from '../dsl/output.js'
import { destinationPath, writeAtomically } from './files.js'
import type { Http } from './http.js'
import type { NodeOutputDict, ServerFile } from './protocol.js'
import type { NodeErrorEntry } from './errors.js'

export interface DownloadOptions {
  readonly signal?: AbortSignal
  readonly timeout?: number
}

export interface SaveOptions extends DownloadOptions {
  /** File name to use instead of the server's (checked the same way). */
  readonly name?: string
  /** Recreate the server's subfolder below the destination (default: false, flat). */
  readonly keepSubfolder?: boolean
}

/** A file an output node wrote on the server (`images`, `gifs`, `audio`, `video`... entries). */
export class OutputFile implements ServerFile {
  readonly filename: string
  readonly subfolder: string
  readonly type: string;
  readonly [extra: string]: unknown

  constructor(
    private readonly http: Http,
    file: ServerFile,
    /** The key of the UI dict the file was listed under: `images`, `gifs`, `audio`... */
    readonly kind: string,
    readonly nodeId: string,
  ) {
    Object.assign(this, file)
    this.filename = file.filename
    this.subfolder = file.subfolder
    this.type = file.type
    Object.defineProperty(this, 'http', { enumerable: false })
  }

  /** The `/view` URL of the file (without the client's auth headers). */
  get url(): string {
    return this.http.endpoint.url('/view', this.#query())
  }

  /** The whole file in memory. */
  async buffer(options: DownloadOptions = {}): Promise<Buffer> {
    const response = await this.http.stream('GET', '/view', { query: this.#query(), ...options })
    try {
      return Buffer.from(await response.body.arrayBuffer())
    } catch (error) {
      throw this.http.mapError(error, 'GET', '/view', options.timeout ?? this.http.timeout, options.signal)
    }
  }

  /** The file as a stream (the caller must consume or destroy it). */
  async stream(options: DownloadOptions = {}): Promise<Readable> {
    const response = await this.http.stream('GET', '/view', { query: this.#query(), ...options })
    return response.body
  }

  /** Streams the file into `dir` (created if needed) and returns its path. */
  async save(dir: string, options: SaveOptions = {}): Promise<string> {
    const target = destinationPath(dir, options.name ?? this.filename, options.keepSubfolder ? this.subfolder : '')
    const body = await this.stream(options)
    try {
      await writeAtomically(target, body)
    } catch (error) {
      body.destroy()
      throw this.http.mapError(error, 'GET', '/view', options.timeout ?? this.http.timeout, options.signal)
    }
    return target
  }

  /** The image as a sharp pipeline (sharp's default pixel limit guards against huge inputs). */
  async toSharp(options: SharpOptions = {}, download: DownloadOptions = {}): Promise<Sharp> {
    const [{ default: sharp }, bytes] = await Promise.all([import('sharp'), this.buffer(download)])
    return sharp(bytes, options)
  }

  toJSON(): ServerFile {
    const file: Record<string, unknown> = { ...this }
    delete file['kind']
    delete file['nodeId']
    return file as ServerFile
  }

  #query(): Record<string, string> {
    return { filename: this.filename, subfolder: this.subfolder, type: this.type }
  }
}

/** What one output node produced. */
export interface NodeResult {
  readonly nodeId: string
  /** The DSL node, when the graph came from the DSL. */
  readonly node: NodeHandle | undefined
  /** The node's UI dict exactly as the server reported it. */
  readonly output: NodeOutputDict
  /** Every file entry of the dict, whatever its key. */
  readonly files: readonly OutputFile[]
  /** The `images` entries. */
  readonly images: readonly OutputFile[]
  /** The `text` entries (`PreviewAny`, text nodes). */
  readonly text: readonly string[]
}

export interface JobTiming {
  /** Server timestamps (epoch ms) of `execution_start` and of the terminal event, when known. */
  readonly startedAt: number | undefined
  readonly finishedAt: number | undefined
  /** `finishedAt - startedAt`: the server's execution time. */
  readonly executionMs: number | undefined
}

/** Everything a completed job produced. */
export interface JobResults {
  readonly promptId: string
  readonly nodes: readonly NodeResult[]
  /** Raw UI dicts by node id, as in `/history`. */
  readonly outputs: Readonly<Record<string, NodeOutputDict>>
  readonly images: readonly OutputFile[]
  readonly files: readonly OutputFile[]
  /** Nodes the server served from its cache. */
  readonly cachedNodes: readonly string[]
  /** Outputs the server dropped at validation (a 200 answer with `node_errors`). */
  readonly nodeErrors: readonly NodeErrorEntry[]
  /** `events` when the WebSocket delivered everything, `history` when `/history` had to confirm. */
  readonly source: 'events' | 'history'
  readonly timing: JobTiming
  /** The result of one output node, by DSL handle or id. */
  node(node: NodeHandle | string): NodeResult | undefined
  /** Saves every file into `dir`; returns the paths in output order. */
  saveAll(dir: string, options?: Omit<SaveOptions, 'name'>): Promise<string[]>
}

export function buildResults(
  http: Http,
  promptId: string,
  outputs: Readonly<Record<string, NodeOutputDict>>,
  handles: ReadonlyMap<string, NodeHandle>,
  extra: Pick<JobResults, 'cachedNodes' | 'nodeErrors' | 'source' | 'timing'>,
): JobResults {
  const nodes: NodeResult[] = []
  for (const [nodeId, output] of Object.entries(outputs)) {
    const files: OutputFile[] = []
    const images: OutputFile[] = []
    const text: string[] = []
    for (const [kind, value] of Object.entries(output)) {
      if (!Array.isArray(value)) continue
      for (const item of value) {
        if (kind === 'text' && typeof item === 'string') text.push(item)
        if (!isServerFile(item)) continue
        const file = new OutputFile(http, { ...item, subfolder: item.subfolder ?? '', type: item.type ?? 'output' }, kind, nodeId)
        files.push(file)
        if (kind === 'images') images.push(file)
      }
    }
    nodes.push({ nodeId, node: handles.get(nodeId), output, files, images, text })
  }
  const byId = new Map(nodes.map((n) => [n.nodeId, n]))
  const idOf = new Map<NodeHandle, string>()
  for (const [id, handle] of handles) idOf.set(handle, id)
  const allFiles = nodes.flatMap((n) => n.files)
  return {
    promptId,
    nodes,
    outputs,
    images: nodes.flatMap((n) => n.images),
    files: allFiles,
    ...extra,
    node: (node) => byId.get(typeof node === 'string' ? node : (idOf.get(node) ?? '')),
    saveAll: async (dir, options = {}) => {
      const paths: string[] = []
      for (const file of allFiles) paths.push(await file.save(dir, options))
      return paths
    },
  }
}

function isServerFile(value: unknown): value is Partial<ServerFile> & { filename: string } {
  if (typeof value !== 'object' || value === null) return false
  const file = value as Record<string, unknown>
  return typeof file['filename'] === 'string' && typeof (file['subfolder'] ?? '') === 'string' && typeof (file['type'] ?? 'output') === 'string'
}
