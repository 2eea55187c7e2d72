/**
 * Runs async tasks one at a time, in the order they were submitted.
 *
 * File writers use it so that two writes never interleave (and a read never sees a
 * half-finished rotation or replace). A task that fails rejects only its own promise; the
 * tasks queued after it still run.
 */
export class SerialQueue {
  /** Settles when the last submitted task has settled; never rejects. */
  private tail: Promise<void> = Promise.resolve();

  /** Queues `task` behind everything submitted before; resolves or rejects with its outcome. */
  run<R>(task: () => Promise<R>): Promise<R> {
    const result = this.tail.then(task);
    // The failure belongs to the caller of this task (it gets `result`); the queue itself
    // must keep going, so the tail swallows it.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves once every task submitted so far has settled. */
  idle(): Promise<void> {
    return this.tail;
  }
}
