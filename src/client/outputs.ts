/**
 * Results of a finished job: every output of every output node, files as references that can be read into a
 * Buffer, streamed, saved into a folder (server names never leave it) or handed to sharp.
 * @module
 */
import { extname } from 'node:path'
import { Transform, type Readable } from 'node:stream'
import type { Sharp, SharpOptions } from 'sharp'
import type { NodeHandle } from '../dsl/output.js'
import { destinationPath, writeAtomically } from './files.js'
import type { Http } from './http.js'
import type { NodeOutputDict, ServerFile } from './protocol.js'
import { DownloadTooLargeError, type NodeErrorEntry } from './errors.js'

export interface DownloadOptions {
  readonly signal?: AbortSignal
  readonly timeout?: number
  /** Refuse a file larger than this many bytes, while it streams (nothing past the limit is read or kept). */
  readonly maxBytes?: number
}

export interface SaveOptions extends DownloadOptions {
  /** File name to use instead of the server's (checked the same way). */
  readonly name?: string
  /**
   * Recreate the server's subfolder below the destination (each part checked; default false: flat). `saveAll`
   * keeps the subfolders of files that would otherwise share a name, whatever this says.
   */
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

  /** The `/view` URL of the file, with the query values of the server URL (auth tokens): fetch it, never print it. */
  get url(): string {
    return this.http.endpoint.url('/view', this.#query())
  }

  /** The `/view` URL safe to print or log: the server URL's query values (tokens) masked. */
  get displayUrl(): string {
    return this.http.endpoint.displayUrl('/view', this.#query())
  }

  /** The whole file in memory (refused past `maxBytes` while it streams). */
  async buffer(options: DownloadOptions = {}): Promise<Buffer> {
    const body = await this.stream(options)
    const chunks: Buffer[] = []
    try {
      for await (const chunk of body) chunks.push(chunk as Buffer)
    } catch (error) {
      if (error instanceof DownloadTooLargeError) throw error
      throw this.http.mapError(error, 'GET', '/view', options.timeout ?? this.http.timeout, options.signal)
    }
    return Buffer.concat(chunks)
  }

  /** The file as a stream (the caller must consume or destroy it); it errors past `maxBytes`. */
  async stream(options: DownloadOptions = {}): Promise<Readable> {
    const { maxBytes, ...request } = options
    const response = await this.http.stream('GET', '/view', { query: this.#query(), ...request })
    if (maxBytes === undefined) return response.body
    const tooLarge = (): DownloadTooLargeError => new DownloadTooLargeError(this.http.endpoint.display, this.#name(), maxBytes)
    const declared = Number(response.headers['content-length'])
    if (Number.isFinite(declared) && declared > maxBytes) {
      response.body.destroy()
      throw tooLarge()
    }
    let seen = 0
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        seen += chunk.length
        if (seen > maxBytes) done(tooLarge())
        else done(null, chunk)
      },
    })
    response.body.on('error', (error) => limit.destroy(error))
    limit.on('error', () => response.body.destroy())
    return response.body.pipe(limit)
  }

  /** Streams the file into `dir` (created if needed) and returns its path. */
  async save(dir: string, options: SaveOptions = {}): Promise<string> {
    return this.saveTo(destinationPath(dir, options.name ?? this.filename, options.keepSubfolder ? this.subfolder : ''), options)
  }

  /** @internal Streams the file to a path already checked (see {@link planTargets}). */
  async saveTo(target: string, options: DownloadOptions = {}): Promise<string> {
    const body = await this.stream(options)
    try {
      await writeAtomically(target, body)
    } catch (error) {
      body.destroy()
      if (error instanceof DownloadTooLargeError) throw error
      throw this.http.mapError(error, 'GET', '/view', options.timeout ?? this.http.timeout, options.signal)
    }
    return target
  }

  #name(): string {
    return this.subfolder === '' ? this.filename : `${this.subfolder}/${this.filename}`
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
  /** Output entries that looked like files but could not be used (a `filename` or `type` that is not a string). */
  readonly warnings: readonly string[]
  /** Outputs the server dropped at validation (a 200 answer with `node_errors`). */
  readonly nodeErrors: readonly NodeErrorEntry[]
  /** `events` when the WebSocket delivered everything, `history` when `/history` had to confirm. */
  readonly source: 'events' | 'history'
  readonly timing: JobTiming
  /** The result of one output node, by DSL handle or id. */
  node(node: NodeHandle | string): NodeResult | undefined
  /**
   * Saves every file into `dir`; returns the paths in output order. Never writes two outputs to one path: files
   * that share a name keep their server subfolders (`cats/img.png`, `dogs/img.png`), and what still collides
   * gets a `-2`, `-3`... suffix.
   */
  saveAll(dir: string, options?: Omit<SaveOptions, 'name'>): Promise<string[]>
  /** The paths {@link saveAll} would write, in output order (to check for existing files first). */
  targets(dir: string, options?: Pick<SaveOptions, 'keepSubfolder'>): string[]
}

export function buildResults(
  http: Http,
  promptId: string,
  outputs: Readonly<Record<string, NodeOutputDict>>,
  handles: ReadonlyMap<string, NodeHandle>,
  extra: Pick<JobResults, 'cachedNodes' | 'nodeErrors' | 'source' | 'timing'>,
): JobResults {
  const nodes: NodeResult[] = []
  const warnings: string[] = []
  for (const [nodeId, output] of Object.entries(outputs)) {
    const files: OutputFile[] = []
    const images: OutputFile[] = []
    const text: string[] = []
    for (const [kind, value] of Object.entries(output)) {
      if (!Array.isArray(value)) continue
      for (const [index, item] of value.entries()) {
        if (kind === 'text' && typeof item === 'string') text.push(item)
        if (!isServerFile(item)) {
          const problem = fileProblem(item)
          if (problem !== undefined) warnings.push(`node ${nodeId}: ${kind}[${index}] is not a usable file (${problem}); skipped`)
          continue
        }
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
    warnings,
    node: (node) => byId.get(typeof node === 'string' ? node : (idOf.get(node) ?? '')),
    saveAll: async (dir, options = {}) => {
      const targets = planTargets(allFiles, dir, options.keepSubfolder === true)
      const paths: string[] = []
      for (const [i, file] of allFiles.entries()) paths.push(await file.saveTo(targets[i] as string, options))
      return paths
    },
    targets: (dir, options = {}) => planTargets(allFiles, dir, options.keepSubfolder === true),
  }
}

/** One distinct, checked path per file: shared names keep their subfolders, remaining clashes get `-2`, `-3`... */
export function planTargets(files: readonly OutputFile[], dir: string, keepSubfolder: boolean): string[] {
  const count = new Map<string, number>()
  for (const file of files) count.set(file.filename, (count.get(file.filename) ?? 0) + 1)
  const used = new Set<string>()
  return files.map((file) => {
    const subfolder = keepSubfolder || (count.get(file.filename) ?? 0) > 1 ? file.subfolder : ''
    let target = destinationPath(dir, file.filename, subfolder)
    const ext = extname(file.filename)
    const stem = file.filename.slice(0, file.filename.length - ext.length)
    for (let n = 2; used.has(target); n++) target = destinationPath(dir, `${stem}-${n}${ext}`, subfolder)
    used.add(target)
    return target
  })
}

// Why an entry that looks like a file reference (has filename, subfolder or type) is not one.
function fileProblem(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined
  const file = item as Record<string, unknown>
  if (!('filename' in file) && !('type' in file && 'subfolder' in file)) return undefined
  for (const key of ['filename', 'subfolder', 'type']) {
    const value = file[key]
    if (value === undefined && key !== 'filename') continue
    if (typeof value !== 'string') return `"${key}" is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}, expected a string`
  }
  return undefined
}

function isServerFile(value: unknown): value is Partial<ServerFile> & { filename: string } {
  if (typeof value !== 'object' || value === null) return false
  const file = value as Record<string, unknown>
  return typeof file['filename'] === 'string' && typeof (file['subfolder'] ?? '') === 'string' && typeof (file['type'] ?? 'output') === 'string'
}
