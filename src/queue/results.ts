/**
 * Results between machines. The worker keeps each output file where a producer elsewhere can read it: in Redis
 * while the job's files stay under a small limit (fields of the job's hash, in Redis's memory, removed with the
 * job), otherwise in a results folder the producers share (a network disk), otherwise on the ComfyUI server, by
 * its `/view` URL. The job's return value only points at them: it stays small in the queue's event stream.
 * @module
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { undici } from '../client/undici.js'
import { destinationPath, writeAtomically } from '../client/files.js'
import type { JobTiming, JobResults } from '../client/outputs.js'
import { stringifyJson } from '../json/lossless.js'
import { QueueError } from './errors.js'
import type { FileStorage, QueueProgress, StoredFile, StoredResults } from './job-data.js'
import { fileField } from './keys.js'

export interface ResultStorage {
  /** Output bytes per job kept in Redis (default 256 KiB); 0 keeps none there. */
  readonly inlineLimit?: number
  /** A folder producers can read too (a shared disk): files past the inline limit are written below it. */
  readonly dir?: string
}

export const DEFAULT_INLINE_LIMIT = 256 * 1024

/** What the worker keeps of a job: its return value, and the job-hash fields (base64 files) to write before it completes. */
export interface StoredJob {
  readonly results: StoredResults
  readonly fields: Readonly<Record<string, string>>
}

/** Worker side: where each output file goes, and the job's return value. */
export async function storeResults(
  results: JobResults,
  context: {
    readonly jobId: string
    readonly server: string
    readonly adopted: boolean
    readonly storage: ResultStorage
    readonly progress: readonly QueueProgress[]
  },
): Promise<StoredJob> {
  const limit = context.storage.inlineLimit ?? DEFAULT_INLINE_LIMIT
  const dir = context.storage.dir
  let inline = 0
  const files: StoredFile[] = []
  const fields: Record<string, string> = {}
  for (const file of results.files) {
    const base = { nodeId: file.nodeId, kind: file.kind, filename: file.filename, subfolder: file.subfolder, type: file.type }
    if (limit <= 0 && dir === undefined) {
      files.push({ ...base, storage: 'server', url: file.url })
      continue
    }
    const bytes = await file.buffer()
    if (inline + bytes.length <= limit) {
      inline += bytes.length
      const field = fileField(files.length)
      fields[field] = bytes.toString('base64')
      files.push({ ...base, storage: 'redis', size: bytes.length, field })
    } else if (dir !== undefined) {
      const path = destinationPath(resolve(dir, encodeURIComponent(context.jobId)), file.filename, file.subfolder)
      await writeAtomically(path, bytes)
      files.push({ ...base, storage: 'folder', size: bytes.length, path })
    } else {
      files.push({ ...base, storage: 'server', size: bytes.length, url: file.url })
    }
  }
  const stored: StoredResults = {
    v: 1,
    promptId: results.promptId,
    server: context.server,
    adopted: context.adopted,
    // Through JSON: BullMQ stores return values with JSON.stringify, which refuses bigints.
    outputs: JSON.parse(stringifyJson(results.outputs)) as StoredResults['outputs'],
    files,
    text: results.nodes.flatMap((n) => n.text.map((text) => ({ nodeId: n.nodeId, text }))),
    cachedNodes: results.cachedNodes,
    timing: results.timing,
    ...(context.progress.length === 0 ? {} : { progress: context.progress }),
  }
  return { results: stored, fields }
}

/** A file a queue job produced, wherever the worker kept it. */
export class QueueOutputFile {
  readonly nodeId: string
  readonly kind: string
  readonly filename: string
  readonly subfolder: string
  readonly type: string
  readonly storage: FileStorage
  readonly size: number | undefined
  /** The results-folder path (`folder`) or the server URL (`server`). */
  readonly location: string | undefined
  readonly #data: string | undefined

  constructor(stored: StoredFile, data: string | undefined) {
    this.nodeId = stored.nodeId
    this.kind = stored.kind
    this.filename = stored.filename
    this.subfolder = stored.subfolder
    this.type = stored.type
    this.storage = stored.storage
    this.size = stored.size
    this.location = stored.path ?? stored.url
    this.#data = data
  }

  /** The file's bytes, from Redis, the results folder or the server. */
  async buffer(): Promise<Buffer> {
    if (this.storage === 'redis') return Buffer.from(this.#data ?? '', 'base64')
    if (this.storage === 'folder') {
      try {
        return await readFile(this.location as string)
      } catch (error) {
        throw new QueueError(`cannot read result file ${this.filename} from the results folder (${(error as { code?: string }).code ?? 'unreadable'})`, {
          file: this.location as string,
          cause: error,
        })
      }
    }
    const { request } = await undici() // loaded on first use, as the client does
    const response = await request(this.location as string).catch((error: unknown) => {
      throw new QueueError(`cannot download result file ${this.filename} from its server: ${(error as Error).message}`, { cause: error })
    })
    if (response.statusCode !== 200) {
      await response.body.dump()
      throw new QueueError(`cannot download result file ${this.filename} from its server: HTTP ${response.statusCode}`)
    }
    return Buffer.from(await response.body.arrayBuffer())
  }

  /** Where {@link save} writes the file in `dir` (its server subfolder below it; names never leave `dir`). */
  destination(dir: string, options: { readonly name?: string } = {}): string {
    return destinationPath(dir, options.name ?? this.filename, this.subfolder)
  }

  /** Writes the file into `dir`; an existing file is replaced only with `overwrite`. Returns the path. */
  async save(dir: string, options: { readonly name?: string; readonly overwrite?: boolean } = {}): Promise<string> {
    const target = this.destination(dir, options)
    if (!options.overwrite && existsSync(target)) throw new QueueError(`${target} exists; pass overwrite (--overwrite) to replace it`, { file: target })
    await writeAtomically(target, await this.buffer())
    return target
  }
}

/** What a queue job produced, as a producer sees it. */
export interface QueueResults {
  readonly jobId: string
  readonly promptId: string
  /** The server that ran it. */
  readonly server: string
  /** True when a retry collected the result of a run an earlier worker had started. */
  readonly adopted: boolean
  readonly outputs: StoredResults['outputs']
  readonly files: readonly QueueOutputFile[]
  readonly images: readonly QueueOutputFile[]
  readonly text: StoredResults['text']
  readonly cachedNodes: readonly string[]
  readonly timing: JobTiming
  /** Saves every file into `dir` (server subfolders kept below it); existing files only with `overwrite`. Returns the paths. */
  saveAll(dir: string, options?: { readonly overwrite?: boolean }): Promise<string[]>
}

/** A job's return value, as the worker stored it (or an error saying it is not one). */
export function storedResultsOf(jobId: string, value: unknown): StoredResults {
  const stored = (typeof value === 'string' ? JSON.parse(value) : value) as StoredResults | null
  if (stored === null || typeof stored !== 'object' || stored.v !== 1 || !Array.isArray(stored.files)) {
    throw new QueueError(`queue job ${jobId} has no comfy-dsl result (was it added by another program?)`)
  }
  return stored
}

/**
 * Producer side: the results of a completed job, with the bytes of its files kept in Redis read at once (one
 * read of the job's hash), so they stay at hand after BullMQ removes the job.
 */
export async function decodeResults(jobId: string, stored: StoredResults, readFields: (fields: string[]) => Promise<(string | null)[]>): Promise<QueueResults> {
  const inRedis = stored.files.filter((f) => f.storage === 'redis' && f.field !== undefined).map((f) => f.field as string)
  const values = inRedis.length === 0 ? [] : await readFields(inRedis)
  const data = new Map(inRedis.map((field, i) => [field, values[i]]))
  const files = stored.files.map((f) => {
    const bytes = f.field === undefined ? undefined : data.get(f.field)
    if (f.storage === 'redis' && (bytes === undefined || bytes === null)) {
      throw new QueueError(`queue job ${jobId}: result file ${f.filename} is no longer in Redis (the job was removed meanwhile)`)
    }
    return new QueueOutputFile(f, bytes ?? undefined)
  })
  return {
    jobId,
    promptId: stored.promptId,
    server: stored.server,
    adopted: stored.adopted,
    outputs: stored.outputs,
    files,
    images: files.filter((f) => f.kind === 'images'),
    text: stored.text,
    cachedNodes: stored.cachedNodes,
    timing: stored.timing,
    saveAll: async (dir, options = {}) => {
      // Every destination is checked before anything is written:
      if (!options.overwrite) {
        const existing = files.map((f) => f.destination(dir)).find((path) => existsSync(path))
        if (existing !== undefined) throw new QueueError(`${existing} exists; pass overwrite (--overwrite) to replace it`, { file: existing })
      }
      const paths: string[] = []
      for (const file of files) paths.push(await file.save(dir, { overwrite: true }))
      return paths
    },
  }
}
