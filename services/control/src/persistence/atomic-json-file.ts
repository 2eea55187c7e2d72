import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ZodType } from 'zod';
import { formatIssues } from '@cryopilot/protocol';
import { SerialQueue } from './serial-queue';
import { describeError, errorCode } from './fs-errors';

/** Where `AtomicJsonFile.read()` found its value. */
export type AtomicReadSource = 'primary' | 'backup' | 'none';

/** Outcome of `AtomicJsonFile.read()`; content problems are reported here, never thrown. */
export interface AtomicReadResult<T> {
  /** The validated value, or null when neither the file nor its backup holds a usable one. */
  value: T | null;
  source: AtomicReadSource;
  /** One line per file that could not be used: `<path>: <reason>`. Empty when all is well. */
  problems: string[];
}

/** The only logging this class needs; Nest's `Logger` satisfies it. */
export interface WarnLogger {
  warn(message: string): void;
}

/** The result of reading one file; never an exception. */
type LoadedFile<T> =
  | { kind: 'missing' }
  | { kind: 'valid'; value: T; text: string }
  | { kind: 'invalid'; problem: string };

/** State files hold setpoints and users: nobody but the service needs to read them. */
const FILE_MODE = 0o600;

/**
 * A JSON document on disk (setpoints, users, …) that survives power loss at any instant.
 *
 * A write goes to a temporary file that is fsynced and then renamed over the target, so the
 * target always holds either the old or the new complete document. The last good document
 * is kept as `<path>.bak`, because an SD card can still corrupt a file after the fact and a
 * state file must never keep the service from starting: `read()` validates against the
 * schema, falls back to the backup, and reports problems instead of throwing.
 *
 * Writes and reads are serialized: they run one at a time in call order.
 */
export class AtomicJsonFile<T> {
  /** The last good document before the most recent write. */
  readonly backupPath: string;
  private readonly directory: string;
  /** Temporary files are `<name>.tmp-<pid>-<random>`; anything with this prefix is a leftover. */
  private readonly tmpPrefix: string;
  private readonly queue = new SerialQueue();

  /**
   * @param path the document; its directory must exist before the first write.
   * @param schema validates what is read (and what is written).
   * @param logger receives what `read()` does not return: removed leftovers, skipped backups.
   */
  constructor(
    readonly path: string,
    private readonly schema: ZodType<T>,
    private readonly logger?: WarnLogger,
  ) {
    this.backupPath = `${path}.bak`;
    this.directory = dirname(resolve(path));
    this.tmpPrefix = `${basename(path)}.tmp-`;
  }

  /**
   * Durably replaces the document with `value`. Resolves once the new document and its
   * directory entry are on disk. Rejects (changing nothing) when `value` fails the schema,
   * and on I/O errors such as a full disk — the caller must know its change was not saved.
   */
  write(value: T): Promise<void> {
    return this.queue.run(() => this.replace(value));
  }

  /**
   * Reads and validates the document, falling back to the backup when the document is
   * unusable. Removes temporary files left by an interrupted write. Never throws: a missing
   * file gives `source: 'none'` without problems; unreadable, garbled or schema-invalid
   * files are listed in `problems`.
   */
  read(): Promise<AtomicReadResult<T>> {
    return this.queue.run(() => this.load());
  }

  private async replace(value: T): Promise<void> {
    const checked = this.schema.safeParse(value);
    if (!checked.success) {
      const reasons = formatIssues(checked.error).join('; ');
      throw new TypeError(
        `${this.path}: refusing to write a value that fails the schema: ${reasons}`,
      );
    }
    const text = `${JSON.stringify(value, null, 2)}\n`;

    // Copy (not rename) the current document to the backup: a rename would leave a moment
    // without any primary file. A document that is already corrupt is not copied, so the
    // backup keeps the last good one.
    const current = await this.loadFile(this.path);
    if (current.kind === 'valid') {
      await this.replaceFile(this.backupPath, current.text);
    } else if (current.kind === 'invalid') {
      this.logger?.warn(`${this.path}: not copied to the backup (${current.problem})`);
    }
    await this.replaceFile(this.path, text);
    await this.syncDirectory();
  }

  /** Writes `text` to a fresh temporary file, fsyncs it and renames it over `target`. */
  private async replaceFile(target: string, text: string): Promise<void> {
    const tmp = `${this.path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
    try {
      const handle = await fs.open(tmp, 'wx', FILE_MODE);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, target);
    } catch (error) {
      // Catches any failure creating, writing, syncing or renaming the temporary file
      // (ENOSPC, EIO, EACCES, …). Removes the partial file so it does not linger, then
      // rethrows: the write did not happen and the caller must know.
      await fs.rm(tmp, { force: true }).catch((cleanupError: unknown) => {
        // The original error matters more; a tmp file that cannot be removed now is
        // removed by the next read().
        this.logger?.warn(`${tmp}: could not remove (${describeError(cleanupError)})`);
      });
      throw error;
    }
  }

  /** Makes the renames durable: without this, a power cut can undo them. */
  private async syncDirectory(): Promise<void> {
    const handle = await fs.open(this.directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  private async load(): Promise<AtomicReadResult<T>> {
    const problems: string[] = [];
    await this.removeLeftovers(problems);

    const primary = await this.loadFile(this.path);
    if (primary.kind === 'valid') return { value: primary.value, source: 'primary', problems };
    // No document at all is a first start, not a problem (and not a reason to resurrect a
    // backup of a document someone deleted on purpose).
    if (primary.kind === 'missing') return { value: null, source: 'none', problems };
    problems.push(primary.problem);

    const backup = await this.loadFile(this.backupPath);
    if (backup.kind === 'valid') return { value: backup.value, source: 'backup', problems };
    if (backup.kind === 'invalid') problems.push(backup.problem);
    return { value: null, source: 'none', problems };
  }

  /** Reads, parses and validates one file. Never throws. */
  private async loadFile(file: string): Promise<LoadedFile<T>> {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      // Catches read errors. ENOENT just means there is no such file; anything else
      // (EACCES, EISDIR, EIO) is reported rather than thrown, because the service must
      // start even when a state file is unusable.
      if (errorCode(error) === 'ENOENT') return { kind: 'missing' };
      return { kind: 'invalid', problem: `${file}: cannot be read (${describeError(error)})` };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      // Catches the SyntaxError of truncated or garbled content (e.g. an empty file after
      // a power cut on a file system that had not flushed it).
      return { kind: 'invalid', problem: `${file}: not valid JSON (${describeError(error)})` };
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) {
      const reasons = formatIssues(parsed.error).join('; ');
      return { kind: 'invalid', problem: `${file}: does not match the schema (${reasons})` };
    }
    return { kind: 'valid', value: parsed.data, text };
  }

  /**
   * Deletes temporary files of writes interrupted by a crash or power cut. Safe because
   * reads are serialized with this instance's writes, so none of them is in flight.
   */
  private async removeLeftovers(problems: string[]): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(this.directory);
    } catch (error) {
      // Catches a missing or unreadable directory. Missing: nothing was ever written.
      // Otherwise the subsequent read reports its own error; note this one too.
      if (errorCode(error) !== 'ENOENT') {
        problems.push(`${this.directory}: cannot be listed (${describeError(error)})`);
      }
      return;
    }
    for (const name of names) {
      if (!name.startsWith(this.tmpPrefix)) continue;
      const leftover = join(this.directory, name);
      try {
        await fs.unlink(leftover);
        this.logger?.warn(`${leftover}: removed, left over from an interrupted write`);
      } catch (error) {
        // Catches unlink failures (EACCES, EBUSY; ENOENT if it vanished meanwhile). A
        // leftover wastes a little space but does no harm, so report it and carry on.
        if (errorCode(error) !== 'ENOENT') {
          problems.push(`${leftover}: leftover could not be removed (${describeError(error)})`);
        }
      }
    }
  }
}
