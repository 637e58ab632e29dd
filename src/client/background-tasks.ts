/**
 * Bounded tasks left running after their caller moved on (a cancel after a timeout or an abort): their owner
 * (a client, a pool) waits for them when it closes.
 * @module
 */
export class BackgroundTasks {
  readonly #tasks = new Set<Promise<void>>()

  /** Keeps `task` until it settles; a failure is the task's to report (it is swallowed here). */
  add(task: Promise<unknown>): void {
    const tracked = task.then(
      () => {},
      () => {},
    )
    this.#tasks.add(tracked)
    void tracked.finally(() => this.#tasks.delete(tracked))
  }

  /** Resolves once every task kept so far has settled. */
  async settled(): Promise<void> {
    await Promise.all([...this.#tasks])
  }
}
