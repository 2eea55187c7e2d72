import {
  closeSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { open as openAsync, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  DiskOutboxOptions,
  DiskOutboxStats,
  OutboxBatch,
  OutboxCursor,
} from './disk-outbox.types';
import { SerialQueue } from '../persistence/serial-queue';
import { scanSegments, Segment, segmentPath } from './outbox-segments';

export interface OutboxLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** Where delivery stands, persisted in `head.json`. */
interface HeadState {
  segment: number;
  offset: number;
  /** Records already delivered in the head segment. */
  index: number;
  /** Records dropped at the bound, ever. */
  dropped: number;
}

const READ_CHUNK = 256 * 1024;

/**
 * A bounded FIFO of JSON records on disk, for data that must survive a link outage and a
 * service restart (MQTT telemetry, InfluxDB points). Delivery is at-least-once: a consumer
 * `peek`s a batch, sends it, then `commit`s it; a crash in between re-delivers the batch.
 *
 * Records are appended synchronously to the current segment file (so they are in the OS the
 * moment `append` returns and survive `kill -9`), and fsynced on a timer (power loss). When the
 * bound is reached, whole oldest segments are dropped and counted — oldest first, never silently.
 */
export class DiskOutbox<T> {
  private readonly segmentBytes: number;
  private segments: Segment[] = [];
  private head: HeadState = { segment: 0, offset: 0, index: 0, dropped: 0 };
  private fd: number | null = null;
  private dirty = false;
  private fsyncTimer: NodeJS.Timeout | null = null;
  private appended = 0;
  private delivered = 0;
  private corrupt = 0;
  private writeFailed = 0;
  /** A failed write left bytes after the last whole record that could not be cut off. */
  private tailDamaged = false;
  private readonly dropListeners = new Set<(count: number) => void>();
  /** Head saves run one at a time: they share a temp file. */
  private readonly headWrites = new SerialQueue();

  constructor(
    private readonly options: DiskOutboxOptions,
    private readonly logger: OutboxLogger,
  ) {
    if (!(options.maxBytes >= 4096)) throw new RangeError('maxBytes must be >= 4096');
    // Dropping happens a segment at a time: keep segments small against the bound.
    this.segmentBytes = Math.max(
      1024,
      Math.min(options.segmentBytes ?? 1 << 20, Math.floor(options.maxBytes / 4)),
    );
  }

  /** Recovers the outbox from disk (cutting a half-written last record) and opens it. */
  async open(): Promise<void> {
    mkdirSync(this.options.dir, { recursive: true });
    const { segments, truncated } = scanSegments(this.options.dir);
    this.corrupt += truncated;
    if (truncated > 0)
      this.logger.warn(`outbox ${this.options.dir}: cut ${truncated} half-written record(s)`);
    this.segments = segments;
    await this.loadHead();
    if (this.segments.length === 0)
      this.segments.push({ id: this.head.segment || 1, bytes: 0, count: 0 });
    const last = this.segments[this.segments.length - 1];
    this.fd = openSync(segmentPath(this.options.dir, last.id), 'a');
    this.fsyncTimer = setInterval(() => this.sync(), this.options.fsyncIntervalMs ?? 1000);
    this.fsyncTimer.unref();
  }

  /**
   * Adds a record at the tail. Synchronous: it is in the OS page cache when this returns.
   * @throws when the disk refuses it (full, read-only, I/O error): the record is lost, counted
   * (`writeFailed`) and reported to `onDrop` listeners; the outbox stays whole and usable.
   */
  append(record: T): void {
    if (this.fd === null) throw new Error('outbox is not open');
    const line = Buffer.from(`${JSON.stringify(record)}\n`);
    let tail = this.segments[this.segments.length - 1];
    const full = tail.bytes > 0 && tail.bytes + line.length > this.segmentBytes;
    try {
      if (full || this.tailDamaged) tail = this.rotate();
      this.writeWhole(tail, line);
    } catch (error) {
      this.writeFailed += 1;
      for (const listener of this.dropListeners) listener(1);
      throw new Error(
        `outbox ${this.options.dir}: record not stored: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    tail.bytes += line.length;
    tail.count += 1;
    this.appended += 1;
    this.dirty = true;
    this.enforceBound();
  }

  /**
   * Writes `line` completely at the end of `tail`, or not at all. A disk that fills up accepts
   * part of a record (a short write) and then fails: the part is cut off again, because a
   * segment with a broken record in the middle would stop replay at that point.
   */
  private writeWhole(tail: Segment, line: Buffer): void {
    let written = 0;
    try {
      while (written < line.length) {
        const n = writeSync(this.fd!, line, written, line.length - written);
        if (n <= 0) throw new Error('the disk accepted no byte');
        written += n;
      }
    } catch (error) {
      if (written > 0) this.cutTail(tail);
      throw error;
    }
  }

  private cutTail(tail: Segment): void {
    try {
      ftruncateSync(this.fd!, tail.bytes);
    } catch {
      // Cannot even truncate: leave the fragment behind the last whole record (reads stop at
      // `tail.bytes`; opening cuts it) and continue in a new segment.
      this.tailDamaged = true;
    }
  }

  /** Up to `max` records from the head, oldest first (never across a segment boundary). */
  async peek(max: number): Promise<OutboxBatch<T>> {
    this.skipConsumedSegments();
    const segment = this.segments.find((s) => s.id === this.head.segment) ?? this.segments[0];
    const empty = {
      records: [],
      cursor: { segment: this.head.segment, offset: this.head.offset, count: 0 },
    };
    if (!segment || this.head.offset >= segment.bytes || max <= 0) return empty;
    const handle = await openAsync(segmentPath(this.options.dir, segment.id), 'r');
    try {
      const records: T[] = [];
      let offset = this.head.offset;
      let count = 0;
      while (records.length < max && offset < segment.bytes) {
        const length = Math.min(READ_CHUNK, segment.bytes - offset);
        const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, offset);
        const text = buffer.subarray(0, bytesRead).toString('utf8');
        let start = 0;
        for (
          let nl = text.indexOf('\n');
          nl >= 0 && records.length < max;
          nl = text.indexOf('\n', start)
        ) {
          const lineText = text.slice(start, nl);
          offset += Buffer.byteLength(lineText) + 1;
          start = nl + 1;
          count += 1;
          const record = this.parse(lineText);
          if (record !== undefined) records.push(record);
        }
        if (start === 0) break; // a single record larger than the chunk: cannot happen with JSONL < 256 KiB
      }
      return { records, cursor: { segment: segment.id, offset, count } };
    } finally {
      await handle.close();
    }
  }

  /** Acknowledges a batch from `peek`: those records will not be handed out again. */
  async commit(cursor: OutboxCursor): Promise<void> {
    // A stale cursor (its segment was dropped at the bound meanwhile) acknowledges nothing.
    if (cursor.segment !== this.head.segment || cursor.offset <= this.head.offset) return;
    this.head.offset = cursor.offset;
    this.head.index += cursor.count;
    this.delivered += cursor.count;
    this.skipConsumedSegments();
    await this.saveHead();
  }

  /**
   * Called with the number of records lost each time: dropped at the bound (oldest first), or
   * refused by the disk at `append`.
   */
  onDrop(listener: (count: number) => void): () => void {
    this.dropListeners.add(listener);
    return () => this.dropListeners.delete(listener);
  }

  stats(): DiskOutboxStats {
    const total = this.segments.reduce((n, s) => n + s.count, 0);
    const headSegment = this.segments.find((s) => s.id === this.head.segment);
    const consumed = headSegment ? this.head.index : 0;
    return {
      pending: total - consumed,
      bytes: this.segments.reduce((n, s) => n + s.bytes, 0),
      appended: this.appended,
      delivered: this.delivered,
      dropped: this.head.dropped,
      writeFailed: this.writeFailed,
      corrupt: this.corrupt,
    };
  }

  /** Flushes to disk and closes. */
  async close(): Promise<void> {
    if (this.fsyncTimer) clearInterval(this.fsyncTimer);
    this.fsyncTimer = null;
    this.sync();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    try {
      await this.saveHead();
    } catch (error) {
      // A full disk at shutdown must not turn a clean stop into a failure: the head on disk is
      // only older, so what was delivered since its last save is delivered again (at least once).
      this.logger.warn(
        `outbox ${this.options.dir}: position not saved at close (${String(error)}): ` +
          'records delivered since the last save will be sent again',
      );
    }
  }

  private parse(text: string): T | undefined {
    try {
      return JSON.parse(text) as T;
    } catch {
      // A damaged line (SD card corruption): skip it, count it, deliver the rest.
      this.corrupt += 1;
      return undefined;
    }
  }

  /** Starts the next segment; when its file cannot be created, nothing changes. */
  private rotate(): Segment {
    const next: Segment = {
      id: this.segments[this.segments.length - 1].id + 1,
      bytes: 0,
      count: 0,
    };
    const fd = openSync(segmentPath(this.options.dir, next.id), 'a');
    this.sync();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = fd;
    this.segments.push(next);
    this.tailDamaged = false;
    return next;
  }

  /** Drops whole oldest segments until the outbox fits its bound again. */
  private enforceBound(): void {
    let dropped = 0;
    while (this.segments.length > 1 && this.totalBytes() > this.options.maxBytes) {
      const oldest = this.segments.shift()!;
      dropped += oldest.id === this.head.segment ? oldest.count - this.head.index : oldest.count;
      unlinkSync(segmentPath(this.options.dir, oldest.id));
      if (oldest.id === this.head.segment) this.moveHeadTo(this.segments[0].id);
    }
    if (dropped === 0) return;
    this.head.dropped += dropped;
    this.logger.error(
      `outbox ${this.options.dir} full (${this.options.maxBytes} bytes): dropped the ${dropped} oldest record(s), ${this.head.dropped} in total`,
    );
    void this.saveHead().catch((e: unknown) =>
      this.logger.error(`outbox head save failed: ${String(e)}`),
    );
    for (const listener of this.dropListeners) listener(dropped);
  }

  /** Deletes fully delivered segments behind the head (never the one being written). */
  private skipConsumedSegments(): void {
    for (;;) {
      const headSegment = this.segments.find((s) => s.id === this.head.segment);
      if (!headSegment) {
        if (this.segments.length > 0) this.moveHeadTo(this.segments[0].id);
        return;
      }
      const isTail = headSegment === this.segments[this.segments.length - 1];
      if (isTail || this.head.offset < headSegment.bytes) return;
      this.segments = this.segments.filter((s) => s !== headSegment);
      unlinkSync(segmentPath(this.options.dir, headSegment.id));
      this.moveHeadTo(this.segments[0].id);
    }
  }

  private moveHeadTo(segment: number): void {
    this.head = { ...this.head, segment, offset: 0, index: 0 };
  }

  private totalBytes(): number {
    return this.segments.reduce((n, s) => n + s.bytes, 0);
  }

  private sync(): void {
    if (!this.dirty || this.fd === null) return;
    fsyncSync(this.fd);
    this.dirty = false;
  }

  private get headPath(): string {
    return join(this.options.dir, 'head.json');
  }

  private async loadHead(): Promise<void> {
    const first = this.segments[0]?.id ?? 1;
    try {
      const saved = JSON.parse(await readFile(this.headPath, 'utf8')) as Partial<HeadState>;
      const valid =
        Number.isInteger(saved.segment) &&
        Number.isInteger(saved.offset) &&
        Number.isInteger(saved.index);
      const segment = this.segments.find((s) => s.id === saved.segment);
      this.head = { segment: first, offset: 0, index: 0, dropped: Number(saved.dropped) || 0 };
      if (valid && segment && saved.offset! <= segment.bytes) {
        this.head = {
          ...this.head,
          segment: segment.id,
          offset: saved.offset!,
          index: saved.index!,
        };
      }
    } catch (error) {
      // No head yet (new outbox) or a damaged one: deliver from the oldest record (at-least-once).
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.logger.warn(
          `outbox ${this.options.dir}: head unreadable, re-delivering from the oldest record`,
        );
      }
      this.head = { segment: first, offset: 0, index: 0, dropped: 0 };
    }
  }

  private saveHead(): Promise<void> {
    return this.headWrites.run(async () => {
      const tmp = `${this.headPath}.tmp`;
      await writeFile(tmp, JSON.stringify(this.head));
      await rename(tmp, this.headPath);
    });
  }
}
