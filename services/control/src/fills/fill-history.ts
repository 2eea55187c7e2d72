import { fillRecordSchema, type FillEvent, type FillRecord } from '@cryopilot/protocol';
import { JsonLinesFile } from '../persistence/json-lines-file';

/** Counters for diagnostics. */
export interface FillHistoryStats {
  readonly fills: number;
  /** Records that could not be written (disk full, I/O error): kept in memory only. */
  readonly writeFailures: number;
  /** Lines skipped when the file was read (corrupt, cut short). */
  readonly skippedLines: number;
}

/**
 * The fill history on the data volume: `fills.jsonl`, one line per fill start and one per end
 * (the end replaces its start: same `start`), newest `maxFills` kept. In memory newest last.
 *
 * A fill still open when the service stopped is closed at the next `open()` with
 * `endedBy: "restart"` (the valve went to its safe state with the process): its end time is the
 * restart, the best bound known, and its end level is unknown.
 */
export class FillHistory {
  private fills: FillRecord[] = [];
  private writeFailures = 0;
  private skippedLines = 0;

  private constructor(
    /** Null: memory only (every record counts as a write failure). */
    private readonly file: JsonLinesFile<FillRecord> | null,
    private readonly maxFills: number,
  ) {}

  /**
   * Reads the file and closes a fill left open by a stop. Bad lines are skipped; a file that
   * cannot be read at all (permissions) throws, and the caller runs without history.
   */
  static async open(path: string, maxFills: number, nowIso: string): Promise<FillHistory> {
    const file = new JsonLinesFile<FillRecord>(path, (value) => {
      const parsed = fillRecordSchema.safeParse(value);
      return parsed.success ? parsed.data : null;
    });
    const history = new FillHistory(file, maxFills);
    const { records, skipped } = await file.load();
    history.skippedLines = skipped;
    const byStart = new Map<string, FillRecord>();
    for (const record of records) byStart.set(record.start, record);
    history.fills = [...byStart.values()]
      .sort((a, b) => a.start.localeCompare(b.start))
      .slice(-maxFills);
    const last = history.fills.at(-1);
    if (last && last.end === null) {
      // How long the valve stayed open before the stop is unknown: no duration, no end level.
      const ended: FillRecord = { ...last, end: nowIso, endedBy: 'restart', durationS: null };
      history.fills[history.fills.length - 1] = ended;
      await history.persist(ended);
    }
    // Any other open record is a leftover of an older crash: the newer fills prove it ended.
    history.fills = history.fills.map((f, i) =>
      f.end === null && i < history.fills.length - 1 ? { ...f, endedBy: 'restart' } : f,
    );
    if (file.lines > 2 * maxFills) await file.rewrite(history.fills).catch(() => undefined);
    return history;
  }

  /** A history that is never written (the file could not be read). */
  static inMemory(maxFills: number): FillHistory {
    return new FillHistory(null, maxFills);
  }

  /** Newest first, at most `limit`. */
  recent(limit: number): FillRecord[] {
    return this.fills.slice(-limit).reverse();
  }

  /** Every fill, oldest first (forecasts and warnings read it). */
  all(): readonly FillRecord[] {
    return this.fills;
  }

  stats(): FillHistoryStats {
    return {
      fills: this.fills.length,
      writeFailures: this.writeFailures,
      skippedLines: this.skippedLines,
    };
  }

  /** Records a fill event: in memory at once, then on disk. Resolves false when the write failed. */
  async record(event: FillEvent): Promise<boolean> {
    const { fill } = event;
    const last = this.fills.at(-1);
    if (last && last.start === fill.start) this.fills[this.fills.length - 1] = fill;
    else this.fills.push(fill);
    if (this.fills.length > this.maxFills) this.fills.splice(0, this.fills.length - this.maxFills);
    return this.persist(fill);
  }

  private async persist(fill: FillRecord): Promise<boolean> {
    const file = this.file;
    try {
      if (!file) throw new Error('no fill history file');
      await file.append(fill);
      // Two lines per fill; compact once the file holds twice what is kept.
      if (file.lines > 2 * this.maxFills + 2) await file.rewrite(this.fills);
      return true;
    } catch {
      this.writeFailures += 1;
      return false;
    }
  }
}
