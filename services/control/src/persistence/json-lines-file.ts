import { promises as fs } from 'node:fs';
import { SerialQueue } from './serial-queue';
import { errorCode } from './fs-errors';

/** Owner only, like the other state files. */
const FILE_MODE = 0o600;

/** What `load()` found. */
export interface JsonLinesContent<T> {
  readonly records: T[];
  /** Lines that were not valid records (a partial last line after a power cut, corruption). */
  readonly skipped: number;
}

/**
 * A small history on disk, one JSON record per line: appends are cheap (a few hundred bytes,
 * fsynced, for records that happen a few times a day), and `rewrite` replaces the whole file
 * atomically (temporary file, fsync, rename) when the owner compacts it to its bound. Reading
 * tolerates bad lines; nothing here ever keeps the service from starting.
 *
 * Operations are serialized in call order.
 */
export class JsonLinesFile<T> {
  private readonly queue = new SerialQueue();
  private lineCount = 0;
  /** Kept open by `appendBatch` (a frequent writer should not open the file every time). */
  private handle: fs.FileHandle | null = null;

  constructor(
    readonly path: string,
    /** Validates one parsed line; null rejects it. */
    private readonly decode: (value: unknown) => T | null,
  ) {}

  /** Lines in the file as far as this process knows (after `load`, appends and rewrites). */
  get lines(): number {
    return this.lineCount;
  }

  /** Every valid record in file order; a missing file is empty. */
  load(): Promise<JsonLinesContent<T>> {
    return this.queue.run(async () => {
      let text: string;
      try {
        text = await fs.readFile(this.path, 'utf8');
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return { records: [], skipped: 0 };
        throw error;
      }
      const records: T[] = [];
      let skipped = 0;
      const lines = text.split('\n').filter((line) => line.trim() !== '');
      for (const line of lines) {
        const record = this.parse(line);
        if (record === null) skipped += 1;
        else records.push(record);
      }
      this.lineCount = lines.length;
      return { records, skipped };
    });
  }

  /** Appends one record and syncs it: a fill on record survives a power cut right after. */
  append(record: T): Promise<void> {
    return this.queue.run(async () => {
      const handle = await fs.open(this.path, 'a', FILE_MODE);
      try {
        await handle.write(`${JSON.stringify(record)}\n`);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      this.lineCount += 1;
    });
  }

  /**
   * Appends many records in one write and one `datasync`, on a descriptor kept open between
   * calls: for a writer that batches in memory (the trend store), so an SD card sees one small
   * write every few minutes instead of an open, a write and a sync per record. A failed write
   * closes the descriptor; the next batch reopens it.
   */
  appendBatch(records: readonly T[]): Promise<void> {
    return this.queue.run(async () => {
      if (records.length === 0) return;
      try {
        this.handle ??= await fs.open(this.path, 'a', FILE_MODE);
        await this.handle.write(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
        await this.handle.datasync();
      } catch (error) {
        await this.closeHandle();
        throw error;
      }
      this.lineCount += records.length;
    });
  }

  /** Closes the descriptor `appendBatch` keeps open (at shutdown). */
  close(): Promise<void> {
    return this.queue.run(() => this.closeHandle());
  }

  /** Replaces the whole file with `records`, atomically. */
  rewrite(records: readonly T[]): Promise<void> {
    return this.queue.run(async () => {
      // The kept descriptor would go on appending to the replaced file.
      await this.closeHandle();
      const tmp = `${this.path}.tmp-${process.pid}`;
      const handle = await fs.open(tmp, 'w', FILE_MODE);
      try {
        await handle.write(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await fs.rename(tmp, this.path);
      } catch (error) {
        await fs.rm(tmp, { force: true });
        throw error;
      }
      this.lineCount = records.length;
    });
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close().catch(() => undefined);
  }

  private parse(line: string): T | null {
    try {
      return this.decode(JSON.parse(line));
    } catch {
      // Not JSON: a line cut short by a power loss.
      return null;
    }
  }
}
