import { JsonLinesFile } from '../../persistence/json-lines-file';
import {
  decodeTrendLine,
  isEvent,
  type StoredEvent,
  type TrendLine,
  type TrendPoint,
} from './trend-point';

/** Counters for diagnostics and tests. */
export interface TrendStoreStats {
  /** Lines skipped when the file was read (corrupt, cut short by a power loss). */
  readonly skippedLines: number;
  /** Batches that could not be written (disk full, I/O error); their lines stay pending. */
  readonly writeFailures: number;
  /** Pending lines given up because the disk kept failing (the oldest first). */
  readonly droppedLines: number;
  readonly pendingLines: number;
  /** Bytes handed to the file since start (to check the SD-card budget). */
  readonly bytesWritten: number;
}

/** What the file held within the retention, oldest first. */
export interface TrendStoreContent {
  readonly points: TrendPoint[];
  readonly events: StoredEvent[];
}

/** Keeps the lines of the retention window, in time order (a clock step may have mixed them). */
export function retained(lines: readonly TrendLine[], sinceMs: number): TrendLine[] {
  return lines.filter((l) => l.t >= sinceMs).sort((a, b) => a.t - b.t);
}

/**
 * The thinned trend history on the data volume, `trend.jsonl`: one point per period and a
 * line per marker. Lines wait in memory and go to disk in one batch (`flush`, every few
 * minutes and at shutdown) on a descriptor kept open: the SD card sees one small write and
 * one sync per batch. A failing disk keeps the lines pending (bounded) and counts; nothing
 * here ever throws into the caller's path.
 *
 * The file is compacted (rewritten atomically with the retained lines) once it holds twice
 * the retention, so its size stays bounded and each line is rewritten about once.
 */
export class TrendStore {
  private pending: TrendLine[] = [];
  private skippedLines = 0;
  private writeFailures = 0;
  private droppedLines = 0;
  private bytesWritten = 0;

  private constructor(
    private readonly file: JsonLinesFile<TrendLine>,
    private readonly retainMs: number,
    /** Lines in a full retention window (points; markers are few). */
    private readonly windowLines: number,
  ) {}

  /**
   * Opens the file and reads what it holds within `retainMs` of `nowMs`. Bad lines are
   * skipped and counted; a file that cannot be read at all (permissions) throws, and the
   * caller runs without stored history.
   */
  static async open(
    path: string,
    retainMs: number,
    periodMs: number,
    nowMs: number,
  ): Promise<{ store: TrendStore; content: TrendStoreContent }> {
    const file = new JsonLinesFile<TrendLine>(path, decodeTrendLine);
    const store = new TrendStore(file, retainMs, Math.ceil(retainMs / periodMs));
    const { records, skipped } = await file.load();
    store.skippedLines = skipped;
    const kept = retained(records, nowMs - retainMs);
    if (file.lines > 2 * Math.max(kept.length, store.windowLines) || skipped > 0) {
      // Best effort: a file that cannot be rewritten is still appended to.
      await file.rewrite(kept).catch(() => undefined);
    }
    return {
      store,
      content: {
        points: kept.filter((l): l is TrendPoint => !isEvent(l)),
        events: kept.filter(isEvent),
      },
    };
  }

  /** Queues a line for the next flush; O(1), no I/O. */
  add(line: TrendLine): void {
    this.pending.push(line);
    const limit = 2 * this.windowLines;
    if (this.pending.length > limit) {
      const excess = this.pending.length - limit;
      this.pending.splice(0, excess);
      this.droppedLines += excess;
    }
  }

  /** Writes what is pending in one batch; resolves false when the disk refused it. */
  async flush(nowMs: number): Promise<boolean> {
    const batch = this.pending;
    if (batch.length === 0) return true;
    this.pending = [];
    try {
      await this.file.appendBatch(batch);
      this.bytesWritten += batch.reduce((n, l) => n + JSON.stringify(l).length + 1, 0);
    } catch {
      this.writeFailures += 1;
      // Back in front of what arrived meanwhile, for the next try.
      this.pending = [...batch, ...this.pending];
      return false;
    }
    if (this.file.lines > 2 * this.windowLines) await this.compact(nowMs);
    return true;
  }

  /** Flushes and closes the file (shutdown). */
  async close(nowMs: number): Promise<void> {
    await this.flush(nowMs);
    await this.file.close();
  }

  stats(): TrendStoreStats {
    return {
      skippedLines: this.skippedLines,
      writeFailures: this.writeFailures,
      droppedLines: this.droppedLines,
      pendingLines: this.pending.length,
      bytesWritten: this.bytesWritten,
    };
  }

  private async compact(nowMs: number): Promise<void> {
    try {
      const { records } = await this.file.load();
      const kept = retained(records, nowMs - this.retainMs);
      await this.file.rewrite(kept);
      this.bytesWritten += kept.reduce((n, l) => n + JSON.stringify(l).length + 1, 0);
    } catch {
      // Left as it is: appends go on, the next flush tries again.
      this.writeFailures += 1;
    }
  }
}
