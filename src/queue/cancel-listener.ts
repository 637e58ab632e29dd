/**
 * How a worker hears that a producer cancelled a job it runs: a blocking read of the queue's cancel stream, on a
 * connection of its own. The read starts at the stream's last entry and resumes where it stopped after a
 * connection failure; after one, the worker also reads the cancel flags of its running jobs (the flag is the
 * durable record; the stream only makes it immediate).
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { RedisClient } from 'bullmq'
import { streamTail } from './scripts.js'

export interface CancelListenerOptions {
  readonly key: string
  /** A job id read from the stream. */
  readonly onCancel: (jobId: string) => void
  /** Called after the reading failed and resumed: cancels may have been missed meanwhile. */
  readonly onGap: () => void
  readonly onError: (error: Error) => void
}

// Long enough to cost nothing, short enough that a stuck connection is noticed:
const BLOCK_MS = 10_000
const RETRY_MS = 1000

export class CancelListener {
  readonly #options: CancelListenerOptions
  #client: RedisClient | undefined
  #loop: Promise<void> | undefined
  #closed = false

  constructor(options: CancelListenerOptions) {
    this.#options = options
  }

  /** Starts reading on a duplicate of `base`; resolves once the stream's position is known. */
  async start(base: RedisClient): Promise<void> {
    if (this.#client !== undefined || this.#closed) return
    const client = base.duplicate()
    this.#client = client
    // Connection errors show in the read loop; an unhandled 'error' event would end the process.
    client.on('error', () => {})
    const from = await streamTail(client, this.#options.key)
    this.#loop = this.#read(client, from)
  }

  async #read(client: RedisClient, from: string): Promise<void> {
    let id = from
    let failed = false
    while (!this.#closed) {
      try {
        const data = (await client.xread([{ key: this.#options.key, id }], { BLOCK: BLOCK_MS })) as StreamReply | null
        if (failed) {
          failed = false
          this.#options.onGap()
        }
        for (const [entryId, fields] of data?.[0]?.[1] ?? []) {
          id = entryId
          const jobId = field(fields, 'jobId')
          if (jobId !== undefined) this.#options.onCancel(jobId)
        }
      } catch (error) {
        if (this.#closed) return
        if (!failed) this.#options.onError(new Error(`reading cancel requests: ${(error as Error).message}`))
        failed = true
        await sleep(RETRY_MS)
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    // A blocked read does not end with QUIT: the connection is dropped.
    this.#client?.disconnect()
    await this.#loop
  }
}

type StreamReply = [key: string, entries: [id: string, fields: string[]][]][]

function field(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i < fields.length - 1; i += 2) if (fields[i] === name) return fields[i + 1]
  return undefined
}
