import type { DiskOutboxStats, OutboxBatch, OutboxCursor } from './disk-outbox.types';
import type { RecordOutbox } from './store-and-forward';

/** What the memory-first outbox needs of the disk outbox behind it (`DiskOutbox<T>`). */
export interface SpillOutbox<T> extends RecordOutbox<T> {
  onDrop(listener: (count: number) => void): () => void;
  close(): Promise<void>;
}

export interface MemoryFirstOptions {
  /**
   * A record not delivered within this long goes to the disk outbox (ms); 0: every record is
   * appended to disk at once (the disk-first behaviour). Also the bound on what a crash with
   * the link up can lose: the records of the last `holdMs` plus one check interval.
   */
  readonly holdMs: number;
  /** Records held in memory at most; beyond it the oldest go to disk at once. */
  readonly maxHeld: number;
}

export interface MemoryFirstStats extends DiskOutboxStats {
  /** Records in memory now (not on disk). */
  readonly held: number;
  /** Records written to disk since start (not delivered in time, or held too many). */
  readonly spilled: number;
}

interface Held<T> {
  readonly id: number;
  readonly record: T;
  readonly atMs: number;
}

/** The cursor of a batch served from memory (disk segments are numbered from 1). */
const MEMORY_SEGMENT = -1;

/**
 * An outbox that keeps records in memory while they are delivered promptly and writes them to
 * the disk outbox behind it only when they are not: an SD card sees no write at all while the
 * link is up, and everything the disk outbox promises (outages of any length, restarts during
 * them, oldest-first drops at the bound) holds for what reached it.
 *
 * Order is kept: records move to disk oldest first, and batches come from disk while it holds
 * any (its records are always older than those in memory). A batch served from memory whose
 * records were moved to disk meanwhile is delivered twice (at-least-once, as after a crash;
 * InfluxDB overwrites a point written again).
 */
export class MemoryFirstOutbox<T> implements RecordOutbox<T> {
  private held: Held<T>[] = [];
  private nextId = 1;
  private timer: NodeJS.Timeout | null = null;
  private appended = 0;
  private deliveredFromMemory = 0;
  private spilled = 0;
  private readonly checkEveryMs: number;

  constructor(
    private readonly disk: SpillOutbox<T>,
    private readonly options: MemoryFirstOptions,
    /** A record the disk refused when it was moved there (the disk outbox counts it too). */
    private readonly onSpillFailure: (error: unknown) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.checkEveryMs = Math.max(50, Math.min(250, options.holdMs / 4));
  }

  /** Starts moving overdue records to disk (every `checkEveryMs`). */
  start(): void {
    if (this.timer !== null || this.options.holdMs === 0) return;
    this.timer = setInterval(() => this.spillOverdue(), this.checkEveryMs);
    this.timer.unref();
  }

  /** The longest a record stays in memory only: what a crash with the link up can lose. */
  maxHoldMs(): number {
    return this.options.holdMs === 0 ? 0 : this.options.holdMs + this.checkEveryMs;
  }

  /**
   * A new record. Synchronous and, with `holdMs` > 0, never touches the disk (so it never
   * throws for lack of space: a later move to disk that fails is counted instead).
   */
  append(record: T): void {
    if (this.options.holdMs === 0) {
      this.disk.append(record);
      this.appended += 1;
      return;
    }
    this.held.push({ id: this.nextId++, record, atMs: this.now() });
    this.appended += 1;
    if (this.held.length > this.options.maxHeld)
      this.spill(this.held.length - this.options.maxHeld);
  }

  async peek(max: number): Promise<OutboxBatch<T>> {
    if (this.held.length === 0 || this.disk.stats().pending > 0) return this.disk.peek(max);
    const batch = this.held.slice(0, max);
    return {
      records: batch.map((h) => h.record),
      cursor: { segment: MEMORY_SEGMENT, offset: batch[batch.length - 1].id, count: batch.length },
    };
  }

  async commit(cursor: OutboxCursor): Promise<void> {
    if (cursor.segment !== MEMORY_SEGMENT) return this.disk.commit(cursor);
    // Those of the batch still here (the others went to disk meanwhile: sent again later).
    let delivered = 0;
    while (delivered < this.held.length && this.held[delivered].id <= cursor.offset) delivered++;
    this.held.splice(0, delivered);
    this.deliveredFromMemory += delivered;
  }

  stats(): MemoryFirstStats {
    const disk = this.disk.stats();
    return {
      ...disk,
      pending: disk.pending + this.held.length,
      appended: this.appended,
      delivered: disk.delivered + this.deliveredFromMemory,
      held: this.held.length,
      spilled: this.spilled,
    };
  }

  onDrop(listener: (count: number) => void): () => void {
    return this.disk.onDrop(listener);
  }

  /** Moves every record still in memory to disk (a planned stop loses nothing), then closes. */
  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.spill(this.held.length);
    await this.disk.close();
  }

  /** Moves the records older than `holdMs` to disk. */
  spillOverdue(): void {
    const cutoff = this.now() - this.options.holdMs;
    let overdue = 0;
    while (overdue < this.held.length && this.held[overdue].atMs <= cutoff) overdue++;
    this.spill(overdue);
  }

  private spill(count: number): void {
    if (count <= 0) return;
    for (const { record } of this.held.splice(0, count)) {
      try {
        this.disk.append(record);
        this.spilled += 1;
      } catch (error) {
        this.onSpillFailure(error);
      }
    }
  }
}
