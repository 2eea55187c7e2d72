/** Options of a `DiskOutbox`. */
export interface DiskOutboxOptions {
  /** Directory of this outbox (created if missing); one outbox per directory. */
  readonly dir: string;
  /** Bound on the bytes kept on disk; beyond it whole oldest segments are dropped. */
  readonly maxBytes: number;
  /** Size at which the current segment is closed and a new one started (default 1 MiB). */
  readonly segmentBytes?: number;
  /**
   * Appended records reach the disk (fsync) at most this long after `append` (default 1000 ms).
   * They survive a process crash (`kill -9`) at once — they are in the OS page cache — and a
   * power loss after this interval. A longer interval spares SD cards.
   */
  readonly fsyncIntervalMs?: number;
}

/** Counters for health, diagnostics and tests. */
export interface DiskOutboxStats {
  /** Records waiting to be delivered. */
  readonly pending: number;
  /** Bytes on disk. */
  readonly bytes: number;
  /** Records appended since open. */
  readonly appended: number;
  /** Records acknowledged (`commit`) since open. */
  readonly delivered: number;
  /** Records dropped because the bound was reached, since the outbox was created (persisted). */
  readonly dropped: number;
  /** Records the disk refused at `append` (full, I/O error) since open: lost, not stored. */
  readonly writeFailed: number;
  /** Lines that could not be parsed at open (e.g. the last one, cut by a crash). */
  readonly corrupt: number;
}

/** A batch handed out by `peek`: the records, oldest first, and the token to `commit` them. */
export interface OutboxBatch<T> {
  readonly records: readonly T[];
  readonly cursor: OutboxCursor;
}

/** Opaque position after a batch. */
export interface OutboxCursor {
  readonly segment: number;
  readonly offset: number;
  readonly count: number;
}
