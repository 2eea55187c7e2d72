/** Where failures of listeners are reported. */
export interface ListenerErrorLog {
  error(message: string): void;
}

type Listener<T> = (value: T) => void | Promise<void>;

interface Entry<T> {
  readonly name: string;
  readonly listener: Listener<T>;
  failures: number;
  lastLoggedMs: number | null;
}

/** A failing listener is logged at its first failure, then at most once a minute with a count. */
const LOG_EVERY_MS = 60_000;

/**
 * Fan-out to named listeners, each isolated from the others and from the emitter: a listener
 * that throws or whose promise rejects is logged (rate-limited) and keeps receiving values.
 *
 * The control loop emits every tick through this, so a reporting consumer (MQTT, telemetry,
 * WebSocket, trend) can never stop or crash control — unlike an rxjs Subject, whose subscriber
 * errors are rethrown asynchronously and end the process as uncaught exceptions.
 */
export class IsolatedListeners<T> {
  private readonly entries = new Set<Entry<T>>();

  constructor(
    private readonly log: ListenerErrorLog,
    private readonly nowMs: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Adds `listener` under `name` (used in logs); returns the function that removes it. */
  add(name: string, listener: Listener<T>): () => void {
    const entry: Entry<T> = { name, listener, failures: 0, lastLoggedMs: null };
    this.entries.add(entry);
    return () => this.entries.delete(entry);
  }

  /** Delivers `value` to every listener; never throws. */
  emit(value: T): void {
    for (const entry of this.entries) {
      try {
        const result = entry.listener(value);
        if (result instanceof Promise) result.catch((error: unknown) => this.failed(entry, error));
      } catch (error) {
        this.failed(entry, error);
      }
    }
  }

  private failed(entry: Entry<T>, error: unknown): void {
    entry.failures += 1;
    const now = this.nowMs();
    if (entry.lastLoggedMs !== null && now - entry.lastLoggedMs < LOG_EVERY_MS) return;
    entry.lastLoggedMs = now;
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.log.error(
      `listener "${entry.name}" failed (${entry.failures} failure(s) so far; it keeps ` +
        `receiving): ${detail}`,
    );
  }
}
