/**
 * Work items done a few milliseconds at a time, yielding to the event loop between slices
 * (`setImmediate`: the timers phase, hence the control loop's next tick, runs in between).
 * A burst of 500 WebSocket connections right after a start made one tick 437 ms late when each
 * snapshot was built and encoded at once in the upgrade's callback (issue 16).
 */
export class TimeSlicedQueue<T> {
  private readonly queue: T[] = [];
  private readonly pending = new Set<T>();
  private scheduled = false;

  constructor(
    private readonly work: (item: T) => void,
    private readonly onError: (error: unknown) => void,
    private readonly sliceMs = 5,
  ) {}

  add(item: T): void {
    if (this.pending.has(item)) return;
    this.pending.add(item);
    this.queue.push(item);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Whether `item` still waits for its turn. */
  has(item: T): boolean {
    return this.pending.has(item);
  }

  /** Forgets `item` (its turn is skipped). */
  remove(item: T): void {
    this.pending.delete(item);
  }

  private drain(): void {
    const start = performance.now();
    while (this.queue.length > 0 && performance.now() - start < this.sliceMs) {
      const item = this.queue.shift() as T;
      if (!this.pending.delete(item)) continue; // removed meanwhile
      try {
        this.work(item);
      } catch (error) {
        this.onError(error);
      }
    }
    if (this.queue.length > 0) setImmediate(() => this.drain());
    else this.scheduled = false;
  }
}
