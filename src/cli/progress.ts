/**
 * Progress of a job on the terminal: bars per node and per sampler step on a TTY, plain lines otherwise. The
 * display ends on what really happened: the last sampler's steps as reached, the nodes as run, and `cached`
 * when the server served the whole result from its cache.
 * @module
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress'
import type { JobEvent } from '../client/index.js'
import type { CliIo } from './io.js'
import { escapeControls, rawTerminal } from './terminal-safe.js'

/** A progress bar per node and per step on a TTY; plain lines otherwise; nothing with `--json`. */
export class RunProgress {
  readonly #io: CliIo
  readonly #quiet: boolean
  readonly #classes: ReadonlyMap<string, string>
  readonly #bars: { multi: MultiBar; nodes: SingleBar; steps: SingleBar } | undefined
  #done = 0
  #cached = 0
  #executed = 0
  #current: string | undefined
  #lastQuarter = -1
  /** The last sampler's steps as reached, shown at the end instead of a reset bar. */
  #lastSteps: { value: number; max: number } | undefined

  constructor(io: CliIo, prompt: Readonly<Record<string, { class_type: string }>>, options: { quiet?: boolean } = {}) {
    this.#io = io
    this.#quiet = options.quiet === true
    this.#classes = new Map(Object.entries(prompt).map(([id, node]) => [id, node.class_type]))
    if (io.stderr.isTTY && !this.#quiet) {
      const multi = new MultiBar(
        // The bars draw with terminal commands, so they get the raw stream and escape what they show themselves:
        { stream: rawTerminal(io.stderr) as NodeJS.WriteStream, format: '{label} {bar} {value}/{total} {detail}', hideCursor: true, clearOnComplete: false },
        Presets.shades_classic,
      )
      this.#bars = {
        multi,
        nodes: multi.create(this.#classes.size, 0, { label: 'nodes', detail: '' }),
        steps: multi.create(1, 0, { label: 'steps', detail: '' }),
      }
    }
  }

  /** How the run ended, for the summary line: `completed`, `completed (cached)`, `failed`... */
  get outcome(): { cached: boolean; executed: number; cachedNodes: number } {
    return { cached: this.#executed === 0 && this.#cached > 0, executed: this.#executed, cachedNodes: this.#cached }
  }

  update(event: JobEvent): void {
    if (this.#quiet) return
    switch (event.type) {
      case 'queued':
        this.#line(`queued ${event.number === undefined ? '' : `#${event.number}`}`.trim())
        return
      case 'cached':
        this.#done += event.nodes.length
        this.#cached += event.nodes.length
        this.#bars?.nodes.update(this.#done, { detail: event.nodes.length > 0 ? `${event.nodes.length} cached` : '' })
        if (event.nodes.length > 0) this.#line(`cached: ${event.nodes.join(', ')}`)
        return
      case 'executing': {
        if (this.#current !== undefined) this.#done++
        this.#current = event.nodeId
        this.#executed++
        this.#lastQuarter = -1
        const label = `${event.nodeId} (${this.#classes.get(event.nodeId) ?? '?'})`
        this.#bars?.nodes.update(this.#done, { detail: escapeControls(label) })
        // Keep the last sampler's bar until another node reports steps:
        this.#line(`executing ${label}`)
        return
      }
      case 'progress': {
        this.#lastSteps = { value: event.value, max: event.max }
        this.#bars?.steps.setTotal(event.max)
        this.#bars?.steps.update(event.value, { detail: this.#current === undefined ? '' : escapeControls(`node ${this.#current}`) })
        const quarter = Math.floor((4 * event.value) / event.max)
        if (quarter !== this.#lastQuarter) {
          this.#lastQuarter = quarter
          this.#line(`  step ${event.value}/${event.max}`)
        }
        return
      }
      case 'done': {
        const cached = event.status === 'completed' && this.outcome.cached
        const status = cached ? 'completed (cached: the server ran nothing)' : event.status
        if (this.#bars !== undefined) {
          // The real final state: every node when completed, as far as it got otherwise.
          if (event.status === 'completed') this.#bars.nodes.update(this.#classes.size, { detail: status })
          else this.#bars.nodes.update(this.#done, { detail: status })
          if (this.#lastSteps === undefined) this.#bars.steps.update(0, { detail: cached ? 'cached' : 'no sampler steps' })
          else {
            this.#bars.steps.setTotal(this.#lastSteps.max)
            this.#bars.steps.update(this.#lastSteps.value, { detail: '' })
          }
        }
        this.#line(status)
        return
      }
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
