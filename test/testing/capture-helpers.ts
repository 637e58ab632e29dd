/** Reading the recorded traffic in test/fixtures/server-captures and talking to a server the same way. */
import { readFileSync } from 'node:fs'
import { WebSocket } from 'undici'
import { fixturePath } from '../helpers/fixtures.js'

export interface Capture {
  readonly request: { method: string; url: string; body: unknown }
  readonly response: { status: number; headers: Record<string, string>; body: unknown }
}

export interface RecordedFrame {
  readonly raw?: string
  readonly binary?: boolean
  readonly event_type_u32be?: number
}

export function readCapture(name: string): Capture {
  return JSON.parse(readFileSync(fixturePath('server-captures', `${name}.json`), 'utf8')) as Capture
}

export function readTranscript(name: string): RecordedFrame[] {
  return readFileSync(fixturePath('server-captures', `${name}_ws.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RecordedFrame)
}

/** A frame as a comparable token: text with ids and timestamps masked, binary frames by event type. */
export function normalizeFrame(frame: RecordedFrame | string | Buffer): string {
  if (Buffer.isBuffer(frame)) return `<binary ${frame.readUInt32BE(0)}>`
  if (typeof frame === 'object' && frame.binary) return `<binary ${frame.event_type_u32be}>`
  const raw = typeof frame === 'string' ? frame : (frame.raw as string)
  return raw
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/\d{13}/g, '<ts>')
}

/** A WebSocket that records every frame, as the capture tool did. */
export class RecordingSocket {
  readonly frames: (string | Buffer)[] = []
  readonly #ws: WebSocket
  readonly opened: Promise<void>

  constructor(url: string, clientId: string, featureFlags: boolean) {
    this.#ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?clientId=${clientId}`)
    this.#ws.binaryType = 'arraybuffer'
    this.opened = new Promise((resolve) => {
      this.#ws.addEventListener('message', () => resolve(), { once: true })
    })
    this.#ws.addEventListener('open', () => {
      if (featureFlags) this.#ws.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }))
    })
    this.#ws.addEventListener('message', (event) => {
      this.frames.push(typeof event.data === 'string' ? event.data : Buffer.from(event.data as ArrayBuffer))
    })
  }

  /** Resolves once a frame matching `predicate` has arrived. */
  async until(predicate: (frame: string) => boolean, timeout = 10_000): Promise<void> {
    const start = Date.now()
    while (!this.frames.some((f) => typeof f === 'string' && predicate(f))) {
      if (Date.now() - start > timeout) throw new Error('timed out waiting for a WebSocket frame')
      await new Promise((r) => setTimeout(r, 5))
    }
  }

  close(): void {
    this.#ws.close()
  }
}
