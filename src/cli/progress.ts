/**
 * Progress of a job on the terminal: bars per node and per sampler step on a TTY, plain lines otherwise.
 * @module
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress'
import type { JobEvent } from '../client/index.js'
import type { CliIo } from './io.js'

/** A progress bar per node and per step on a TTY; plain lines otherwise. */
export class RunProgress {
  readonly #io: CliIo
  readonly #classes: ReadonlyMap<string, string>
  readonly #bars: { multi: MultiBar; nodes: SingleBar; steps: SingleBar } | undefined
  #done = 0
  #current: string | undefined
  #lastQuarter = -1

  constructor(io: CliIo, prompt: Readonly<Record<string, { class_type: string }>>) {
    this.#io = io
    this.#classes = new Map(Object.entries(prompt).map(([id, node]) => [id, node.class_type]))
    if (io.stderr.isTTY) {
      const multi = new MultiBar(
        { stream: io.stderr as NodeJS.WriteStream, format: '{label} {bar} {value}/{total} {detail}', hideCursor: true, clearOnComplete: false },
        Presets.shades_classic,
      )
      this.#bars = {
        multi,
        nodes: multi.create(this.#classes.size, 0, { label: 'nodes', detail: '' }),
        steps: multi.create(1, 0, { label: 'steps', detail: '' }),
      }
    }
  }

  update(event: JobEvent): void {
    switch (event.type) {
      case 'queued':
        this.#line(`queued ${event.number === undefined ? '' : `#${event.number}`}`.trim())
        return
      case 'cached':
        this.#done += event.nodes.length
        this.#bars?.nodes.update(this.#done)
        if (event.nodes.length > 0) this.#line(`cached: ${event.nodes.join(', ')}`)
        return
      case 'executing': {
        if (this.#current !== undefined) this.#done++
        this.#current = event.nodeId
        this.#lastQuarter = -1
        const label = `${event.nodeId} (${this.#classes.get(event.nodeId) ?? '?'})`
        this.#bars?.nodes.update(this.#done, { detail: label })
        this.#bars?.steps.update(0, { detail: '' })
        this.#line(`executing ${label}`)
        return
      }
      case 'progress': {
        this.#bars?.steps.setTotal(event.max)
        this.#bars?.steps.update(event.value)
        const quarter = Math.floor((4 * event.value) / event.max)
        if (quarter !== this.#lastQuarter) {
          this.#lastQuarter = quarter
          this.#line(`  step ${event.value}/${event.max}`)
        }
        return
      }
      case 'done':
        this.#bars?.nodes.update(this.#classes.size)
        this.#line(event.status)
        return
      default:
        return
    }
  }

  stop(): void {
    this.#bars?.multi.stop()
  }

  #line(text: string): void {
    if (this.#bars === undefined) this.#io.stderr.write(`${text}\n`)
  }
}
