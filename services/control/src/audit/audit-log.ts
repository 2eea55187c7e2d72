import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { auditRecordSchema, formatIssues, type AuditRecord } from '@cryopilot/protocol';
import { Subject } from 'rxjs';
import { SerialQueue } from '../persistence/serial-queue';
import { errorCode, isDiskFull } from '../persistence/fs-errors';
import { parseAuditLines } from './audit-lines';
import { AuditReserve } from './audit-reserve';

/** Options of `AuditLog`. */
export interface AuditLogOptions {
  /** Directory of `audit.jsonl` and its rotated predecessors; created by `open()`. */
  dir: string;
  /** Size at which the current file is rotated. Default 1 MiB. */
  maxBytes?: number;
  /** Files kept, the current one included. Default 5. */
  maxFiles?: number;
  /** Newest records kept in memory so that small `recent()` calls skip the disk. Default 200. */
  cacheSize?: number;
  /**
   * Bytes set aside (`audit.reserve`) for records while the data disk is full; 0 (default):
   * none, an append on a full disk fails.
   */
  reserveBytes?: number;
  /** On a full disk, how often an append tries the log file again. Default 5 s. */
  fullDiskRetryMs?: number;
}

/** Counters for diagnostics. */
export interface AuditLogStats {
  /** Lines skipped since `open()` because they were not a valid audit record. */
  corruptLines: number;
  /** Records held in the in-memory cache. */
  cachedRecords: number;
  /** Valid records in the files on disk. */
  recordsOnDisk: number;
  /** The space set aside for a full disk, and whether records are going there now. */
  reserve: { capacityBytes: number; usedBytes: number; inUse: boolean } | null;
}

/** Largest `limit` accepted by `recent()`. */
export const MAX_RECENT_LIMIT = 1000;

const MIB = 1024 * 1024;
/** Who did what is as private as the state files: owner only (also fixes older 0644 files). */
const AUDIT_FILE_MODE = 0o600;

/**
 * Append-only audit trail of operator commands, one JSON line per record, in
 * `<dir>/audit.jsonl` and rotated files `audit.1.jsonl` (newer) … `audit.<maxFiles-1>.jsonl`
 * (oldest), so the disk space used is bounded.
 *
 * Appends are not fsynced (the audit is not on the control path; a power cut may lose the
 * last records or leave a partial line, which reading tolerates); `flush()` syncs on demand.
 * Appends, rotations, flushes and disk reads are serialized.
 *
 * With `reserveBytes`, a full data disk does not lose records: they go to the reserve (space
 * taken while there was room) and back into the log once it can be written again. While they
 * do, `runningOnReserve()` is true, so that the caller can keep the reserve for what matters.
 */
export class AuditLog {
  private readonly dir: string;
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private readonly cacheSize: number;
  private readonly fullDiskRetryMs: number;
  private readonly queue = new SerialQueue();
  /** The newest records, oldest first (append order). */
  private cache: AuditRecord[] = [];
  /** Valid records per file; index 0 is the current file, 1 is `audit.1.jsonl`, … */
  private recordsPerFile: number[] = [];
  private corruptLines = 0;
  private currentBytes = 0;
  private handle: FileHandle | null = null;
  private state: 'new' | 'open' | 'closed' = 'new';
  private readonly reserve: AuditReserve | null;
  /** The last append found the data disk full: records go to the reserve. */
  private diskFull = false;
  private lastFullDiskRetryMs = -Infinity;
  /** Valid records in the reserve (counted as on disk: they are). */
  private recordsInReserve = 0;
  /** Every record, once it has been written (telemetry copies it to InfluxDB). */
  readonly appended$ = new Subject<AuditRecord>();

  constructor(options: AuditLogOptions) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes ?? MIB;
    this.maxFiles = options.maxFiles ?? 5;
    this.cacheSize = options.cacheSize ?? 200;
    this.fullDiskRetryMs = options.fullDiskRetryMs ?? 5_000;
    requirePositiveInteger('maxBytes', this.maxBytes);
    requirePositiveInteger('maxFiles', this.maxFiles);
    requirePositiveInteger('cacheSize', this.cacheSize);
    const reserveBytes = options.reserveBytes ?? 0;
    this.reserve =
      reserveBytes > 0 ? new AuditReserve(join(this.dir, 'audit.reserve'), reserveBytes) : null;
  }

  /**
   * Creates the directory, scans the existing files once (filling the cache and counting
   * corrupt lines; bounded by maxFiles × maxBytes) and opens the current file for appending.
   */
  open(): Promise<void> {
    return this.queue.run(async () => {
      if (this.state !== 'new') throw new Error('AuditLog.open() may be called only once');
      await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
      this.recordsPerFile = [];
      let currentText = '';
      for (let index = this.maxFiles - 1; index >= 0; index--) {
        const text = await readIfExists(this.filePath(index));
        const { records, corrupt } = parseAuditLines(text);
        this.recordsPerFile[index] = records.length;
        this.corruptLines += corrupt;
        this.remember(records);
        if (index === 0) currentText = text;
      }
      this.handle = await this.openCurrentFile();
      this.currentBytes = Buffer.byteLength(currentText);
      if (currentText !== '' && !currentText.endsWith('\n')) {
        // A crash left a partial last line: terminate it, or the next record would be glued
        // onto it and be lost too. The fragment stays (append-only) and is skipped on read.
        await this.handle.appendFile('\n');
        this.currentBytes += 1;
      }
      this.state = 'open';
      if (this.reserve) {
        // Records a full disk sent to the reserve in an earlier run: newer than every file.
        const { records } = parseAuditLines(await this.reserve.open());
        this.recordsInReserve = records.length;
        this.remember(records);
        if (records.length > 0) await this.moveReserveToLog();
      }
    });
  }

  /**
   * Appends one record (validated first; an invalid record is rejected with a TypeError
   * rather than written as a line nobody can read back). Rotates before the current file
   * would exceed maxBytes; a single record larger than maxBytes gets a file of its own.
   */
  append(record: AuditRecord): Promise<void> {
    return this.queue.run(async () => {
      this.requireOpen();
      const checked = auditRecordSchema.safeParse(record);
      if (!checked.success) {
        throw new TypeError(`invalid audit record: ${formatIssues(checked.error).join('; ')}`);
      }
      const line = `${JSON.stringify(checked.data)}\n`;
      if (this.diskFull) await this.retryLogFileIfDue();
      if (!this.diskFull) {
        try {
          await this.appendToLogFile(line);
          this.recordsPerFile[0] += 1;
        } catch (error) {
          if (this.reserve === null || !isDiskFull(error)) throw error;
          this.diskFull = true;
          this.lastFullDiskRetryMs = performance.now();
        }
      }
      if (this.diskFull) {
        if (!(await this.reserve?.write(line))) {
          throw new Error('data disk full and the audit reserve full: record not written');
        }
        this.recordsInReserve += 1;
      }
      this.remember([checked.data]);
      this.appended$.next(checked.data);
    });
  }

  /**
   * Whether records are going to the reserve (the data disk was full at the last append).
   * Tries the log file again first (at most every few seconds): space freed ends it.
   */
  runningOnReserve(): Promise<boolean> {
    return this.queue.run(async () => {
      this.requireOpen();
      if (this.diskFull) await this.retryLogFileIfDue();
      return this.diskFull;
    });
  }

  /**
   * The newest `limit` records, newest first, across rotated files. Served from memory when
   * the cache holds enough. Rejects with a RangeError unless `limit` is an integer in
   * 1..1000. Treat the returned records as read-only (they may be the cached objects).
   */
  async recent(limit: number): Promise<AuditRecord[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RECENT_LIMIT) {
      throw new RangeError(`limit must be an integer in 1..${MAX_RECENT_LIMIT}, got ${limit}`);
    }
    this.requireOpen();
    if (limit <= this.cache.length || this.cache.length >= this.recordsOnDisk()) {
      return this.cache.slice(-limit).reverse();
    }
    return this.queue.run(() => this.readNewestFromDisk(limit));
  }

  /** Forces appended records to disk (e.g. before a planned shutdown). */
  flush(): Promise<void> {
    return this.queue.run(async () => {
      await this.handle?.datasync();
    });
  }

  /** Flushes and closes the file; later appends reject. Idempotent. */
  close(): Promise<void> {
    return this.queue.run(async () => {
      const handle = this.handle;
      this.handle = null;
      this.state = 'closed';
      await this.reserve?.close();
      if (handle === null) return;
      try {
        await handle.datasync();
      } finally {
        await handle.close();
      }
    });
  }

  /** Counters for diagnostics. */
  stats(): AuditLogStats {
    return {
      corruptLines: this.corruptLines,
      cachedRecords: this.cache.length,
      recordsOnDisk: this.recordsOnDisk(),
      reserve: this.reserve && { ...this.reserve.stats(), inUse: this.diskFull },
    };
  }

  /** Appends text to the current file (rotating first when it would grow past maxBytes). */
  private async appendToLogFile(text: string): Promise<void> {
    const bytes = Buffer.byteLength(text);
    // No handle: a rotation on a full disk could not open the new file; try again now.
    let target = this.handle ?? (await this.reopenCurrentFile());
    if (this.currentBytes > 0 && this.currentBytes + bytes > this.maxBytes) {
      target = await this.rotate(target);
    }
    try {
      await target.appendFile(text, 'utf8');
    } catch (error) {
      // A full disk may have taken part of the text: cut it off (shrinking needs no space),
      // so that the file ends with a whole line and the next append starts a clean one.
      await target.truncate(this.currentBytes).catch(() => undefined);
      throw error;
    }
    this.currentBytes += bytes;
  }

  private async retryLogFileIfDue(): Promise<void> {
    const now = performance.now();
    if (now - this.lastFullDiskRetryMs < this.fullDiskRetryMs) return;
    this.lastFullDiskRetryMs = now;
    await this.moveReserveToLog();
  }

  /**
   * Appends the reserve's records to the log file and empties the reserve; on a disk still
   * full, everything stays as it was. A crash between the two steps leaves the records in
   * both, which the next start appends again: at worst a record twice, never none.
   */
  private async moveReserveToLog(): Promise<void> {
    const reserve = this.reserve;
    if (reserve === null) return;
    const text = await reserve.text();
    try {
      if (text !== '') await this.appendToLogFile(text);
    } catch (error) {
      if (!isDiskFull(error)) throw error;
      this.diskFull = true;
      return;
    }
    this.recordsPerFile[0] += this.recordsInReserve;
    this.recordsInReserve = 0;
    await reserve.clear();
    this.diskFull = false;
  }

  /** Shifts every file one index older, drops the oldest, and opens a new current file. */
  private async rotate(handle: FileHandle): Promise<FileHandle> {
    this.handle = null;
    await handle.close();
    try {
      await fs.rm(this.filePath(this.maxFiles - 1), { force: true });
      for (let index = this.maxFiles - 2; index >= 0; index--) {
        await renameIfExists(this.filePath(index), this.filePath(index + 1));
      }
      this.recordsPerFile = [0, ...this.recordsPerFile].slice(0, this.maxFiles);
      // Records that left the disk with the dropped file leave the cache too, so that the
      // cache never shows more than the files hold.
      const onDisk = this.recordsOnDisk();
      if (this.cache.length > onDisk) this.cache = this.cache.slice(this.cache.length - onDisk);
    } finally {
      // Reopen the current file even when a rename failed: appending to an oversized file
      // beats losing the audit trail until a restart.
      await this.reopenCurrentFile();
    }
    return this.reopenCurrentFile();
  }

  /** The current file, opened again when a rotation left it closed (its size from the disk). */
  private async reopenCurrentFile(): Promise<FileHandle> {
    if (this.handle === null) {
      this.handle = await this.openCurrentFile();
      this.currentBytes = (await this.handle.stat()).size;
    }
    return this.handle;
  }

  private async openCurrentFile(): Promise<FileHandle> {
    const handle = await fs.open(this.filePath(0), 'a', AUDIT_FILE_MODE);
    await handle.chmod(AUDIT_FILE_MODE);
    return handle;
  }

  private async readNewestFromDisk(limit: number): Promise<AuditRecord[]> {
    const newestFirst: AuditRecord[] = [];
    if (this.reserve && this.recordsInReserve > 0) {
      newestFirst.push(...parseAuditLines(await this.reserve.text()).records.reverse());
    }
    for (let index = 0; index < this.maxFiles && newestFirst.length < limit; index++) {
      // Corrupt lines were counted by open(); they are skipped here without recounting.
      const { records } = parseAuditLines(await readIfExists(this.filePath(index)));
      for (let i = records.length - 1; i >= 0 && newestFirst.length < limit; i--) {
        newestFirst.push(records[i]);
      }
    }
    return newestFirst.slice(0, limit);
  }

  /** Adds records (oldest first) to the cache, keeping only the newest cacheSize. */
  private remember(records: AuditRecord[]): void {
    if (records.length === 0) return;
    this.cache.push(...records.slice(-this.cacheSize));
    if (this.cache.length > this.cacheSize) {
      this.cache.splice(0, this.cache.length - this.cacheSize);
    }
  }

  private recordsOnDisk(): number {
    return this.recordsPerFile.reduce((sum, n) => sum + n, this.recordsInReserve);
  }

  private requireOpen(): void {
    if (this.state === 'new') throw new Error('AuditLog.open() has not been called');
    if (this.state === 'closed') throw new Error('AuditLog is closed');
  }

  private filePath(index: number): string {
    return join(this.dir, index === 0 ? 'audit.jsonl' : `audit.${index}.jsonl`);
  }
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}

/** The file's text, or '' when it does not exist (not rotated that far yet). */
async function readIfExists(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    // Catches read errors; only ENOENT (file not created yet) is expected. Anything else
    // (EACCES, EIO) is rethrown: the caller's open() or recent() should fail visibly.
    if (errorCode(error) === 'ENOENT') return '';
    throw error;
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (error) {
    // Catches rename errors; ENOENT means there is no file at this index yet (fewer files
    // than maxFiles), which is normal. Anything else is a real I/O failure: rethrow.
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}
