import type { DiskOutboxStats, OutboxBatch, OutboxCursor } from './disk-outbox.types';

/** What store-and-forward needs of the on-disk outbox (`DiskOutbox<T>`). */
export interface RecordOutbox<T> {
  append(record: T): void;
  peek(max: number): Promise<OutboxBatch<T>>;
  commit(cursor: OutboxCursor): Promise<void>;
  stats(): DiskOutboxStats;
}

/** The connected side: resolves on the peer's acknowledgement, rejects if the session ends. */
export interface StreamSink<T> {
  send(record: T, replayed: boolean): Promise<void>;
}

export interface StoreAndForwardOptions<T> {
  /**
   * Checks a record read back from disk (an outbox written by another version, a damaged
   * line): null skips it.
   */
  readonly decode: (raw: unknown) => T | null;
  /** Live messages awaiting acknowledgement; beyond it new ones go to the outbox. */
  readonly maxInFlight: number;
  /** Replay rate from the outbox (records/s), so that live data keeps flowing. */
  readonly replayPerSecond: number;
}

export interface StoreAndForwardStats {
  /** Delivered live (acknowledged) since start. */
  readonly deliveredLive: number;
  /** Delivered from the outbox (acknowledged) since start. */
  readonly replayed: number;
  /** Written to the outbox since start (offline, window full, unacknowledged at a loss). */
  readonly stored: number;
  readonly inFlight: number;
  /** Records that could not even be written to the outbox (disk full, I/O error). */
  readonly appendFailures: number;
  readonly outbox: DiskOutboxStats;
}

/** Idle poll of an empty outbox while connected (new records also wake the pump at once). */
const IDLE_POLL_MS = 500;
/** Pause after a failed outbox read before trying again. */
const READ_RETRY_MS = 1000;

/**
 * Delivery of a record stream (MQTT `telemetry` and `alarms/events`) with nothing silently
 * lost:
 * - connected: published live, with at most `maxInFlight` unacknowledged (never an unbounded
 *   queue in mqtt.js);
 * - disconnected (or window full): appended to the on-disk outbox — never published;
 * - session lost: live messages still unacknowledged go to the outbox (at-least-once: the
 *   broker may have them already — a QoS 1 duplicate);
 * - after a reconnect: the outbox is replayed oldest first, with original `seq` and `ts`, at
 *   `replayPerSecond`, beside the live stream; a batch is committed only once every record
 *   of it was acknowledged, so a loss mid-replay replays the batch again.
 */
export class StoreAndForward<T> {
  private sink: StreamSink<T> | null = null;
  private generation = 0;
  private readonly inFlight = new Map<number, T>();
  private nextId = 0;
  private pumpRun: Promise<void> = Promise.resolve();
  private wakeIdle: (() => void) | null = null;
  private cancelSleep: (() => void) | null = null;
  private deliveredLive = 0;
  private replayed = 0;
  private stored = 0;
  private appendFailures = 0;

  constructor(
    private readonly outbox: RecordOutbox<T>,
    private readonly options: StoreAndForwardOptions<T>,
    private readonly onError: (message: string) => void,
  ) {}

  /** A new record of the live stream. Synchronous: never waits for the network or the disk. */
  submit(record: T): void {
    const sink = this.sink;
    if (sink && this.inFlight.size < this.options.maxInFlight) this.sendLive(sink, record);
    else this.store(record);
  }

  /** A session is up: send live from now on and replay the outbox. */
  attach(sink: StreamSink<T>): void {
    this.detach();
    this.sink = sink;
    const generation = ++this.generation;
    this.pumpRun = this.pump(sink, generation);
  }

  /** The session ended: unacknowledged live records go to the outbox. Idempotent. */
  detach(): void {
    this.sink = null;
    this.generation += 1;
    this.cancelSleep?.();
    const unacknowledged = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const record of unacknowledged) this.store(record);
  }

  /** Waits (at most `timeoutMs`) for live records in flight to be acknowledged. */
  async drainLive(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.inFlight.size > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * Stops sending (what is unacknowledged goes to the outbox) and waits for the pump, which
   * ends once the closed session rejected its last sends — at most `timeoutMs`.
   */
  async stop(timeoutMs = 2000): Promise<void> {
    this.detach();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.pumpRun, timeout]);
    clearTimeout(timer);
  }

  stats(): StoreAndForwardStats {
    return {
      deliveredLive: this.deliveredLive,
      replayed: this.replayed,
      stored: this.stored,
      inFlight: this.inFlight.size,
      appendFailures: this.appendFailures,
      outbox: this.outbox.stats(),
    };
  }

  private sendLive(sink: StreamSink<T>, record: T): void {
    const id = ++this.nextId;
    this.inFlight.set(id, record);
    sink.send(record, false).then(
      () => {
        if (this.inFlight.delete(id)) this.deliveredLive += 1;
      },
      () => {
        // Session lost before the acknowledgement: keep the record (unless `detach` already did).
        if (this.inFlight.delete(id)) this.store(record);
      },
    );
  }

  private store(record: T): void {
    try {
      this.outbox.append(record);
      this.stored += 1;
      this.wakeIdle?.();
    } catch (error) {
      // The disk refused the write (full, read-only, I/O error): the record is lost — counted
      // and logged, never silently; the control loop is not affected.
      this.appendFailures += 1;
      if (this.appendFailures === 1 || this.appendFailures % 1000 === 0) {
        this.onError(`outbox append failed (${this.appendFailures} so far): ${describe(error)}`);
      }
    }
  }

  private async pump(sink: StreamSink<T>, generation: number): Promise<void> {
    const rate = this.options.replayPerSecond;
    // About ten batches a second: smooth pacing, and a loss re-sends at most one batch.
    const batchMax = Math.max(1, Math.min(500, Math.ceil(rate / 10)));
    while (generation === this.generation) {
      const started = Date.now();
      let batch: OutboxBatch<T>;
      try {
        batch = await this.outbox.peek(batchMax);
      } catch (error) {
        // Reading a segment failed (I/O error, file removed under us): retry later.
        this.onError(`outbox read failed: ${describe(error)}`);
        await this.sleep(READ_RETRY_MS, false);
        continue;
      }
      if (generation !== this.generation) return;
      if (batch.cursor.count === 0) {
        await this.sleep(IDLE_POLL_MS, true);
        continue;
      }
      const records = batch.records
        .map((raw) => this.options.decode(raw))
        .filter((r): r is T => r !== null);
      const sent = await Promise.allSettled(records.map((r) => sink.send(r, true)));
      // The session ended mid-batch: the batch stays in the outbox and is replayed again.
      if (sent.some((s) => s.status === 'rejected') || generation !== this.generation) return;
      try {
        await this.outbox.commit(batch.cursor);
      } catch (error) {
        // The head file could not be saved: the batch will be sent again (a duplicate, never
        // a loss) once the disk accepts writes.
        this.onError(`outbox commit failed: ${describe(error)}`);
        await this.sleep(READ_RETRY_MS, false);
        continue;
      }
      this.replayed += records.length;
      const pacingMs = (batch.cursor.count / rate) * 1000 - (Date.now() - started);
      if (pacingMs > 0) await this.sleep(pacingMs, false);
    }
  }

  /** A pause that `detach` always cuts short, and a new record too when `wakeOnAppend`. */
  private sleep(ms: number, wakeOnAppend: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeIdle = null;
        this.cancelSleep = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.cancelSleep = done;
      if (wakeOnAppend) this.wakeIdle = done;
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
