/**
 * The order ComfyUI runs a prompt's nodes in (`comfy_execution/graph.py` `ExecutionList`): from each output, a
 * depth-first walk (a stack: a node's last linked input is visited first) lists the nodes still to run, cached ones
 * left out; among the nodes whose inputs are ready, in that order, the first output node goes first, then the first
 * that feeds an output node, then the first that feeds a node feeding one, else the first ready node.
 * @module
 */

export interface ExecutionListSource {
  /** The source node ids of a node's linked inputs, in input order. */
  links(id: string): readonly string[]
  isOutput(id: string): boolean
  isCached(id: string): boolean
}

export class ExecutionList {
  readonly #pending = new Map<string, true>()
  readonly #blockCount = new Map<string, number>()
  readonly #blocking = new Map<string, Set<string>>()

  constructor(
    outputs: readonly string[],
    private readonly source: ExecutionListSource,
  ) {
    for (const output of outputs) this.#add(output)
  }

  get isEmpty(): boolean {
    return this.#pending.size === 0
  }

  /** The nodes still to run, in the order they were listed. */
  get pending(): readonly string[] {
    return [...this.#pending.keys()]
  }

  /** The next node to run (undefined when none is ready: a cycle). */
  next(): string | undefined {
    const ready = [...this.#pending.keys()].filter((id) => this.#blockCount.get(id) === 0)
    const { isOutput } = this.source
    const feeds = (id: string): ReadonlySet<string> => this.#blocking.get(id) ?? new Set()
    return (
      ready.find((id) => isOutput(id)) ??
      ready.find((id) => [...feeds(id)].some((b) => isOutput(b))) ??
      ready.find((id) => [...feeds(id)].some((b) => [...feeds(b)].some((c) => isOutput(c)))) ??
      ready[0]
    )
  }

  /** Marks `id` as run: the nodes it blocked are one input closer to ready. */
  complete(id: string): void {
    this.#pending.delete(id)
    for (const blocked of this.#blocking.get(id) ?? []) this.#blockCount.set(blocked, (this.#blockCount.get(blocked) ?? 1) - 1)
  }

  // `add_node`: a stack walk that lists each node once, then `add_strong_link` for every link found.
  #add(start: string): void {
    const stack = [start]
    const links: [string, string][] = []
    while (stack.length > 0) {
      const id = stack.pop() as string
      if (this.#pending.has(id)) continue
      this.#pending.set(id, true)
      this.#blockCount.set(id, 0)
      this.#blocking.set(id, new Set())
      for (const from of this.source.links(id)) {
        if (!this.source.isCached(from)) stack.push(from)
        links.push([from, id])
      }
    }
    for (const [from, to] of links) {
      if (this.source.isCached(from)) continue
      this.#add(from)
      const blocking = this.#blocking.get(from) as Set<string>
      if (blocking.has(to)) continue
      blocking.add(to)
      this.#blockCount.set(to, (this.#blockCount.get(to) ?? 0) + 1)
    }
  }
}
