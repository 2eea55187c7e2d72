import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { errorCode, isDiskFull } from '../persistence/fs-errors';

const FILE_MODE = 0o600;
/** Zeros are written in pieces of this size when the reserve is made (no large buffer). */
const FILL_CHUNK = 16 * 1024;

/**
 * Disk space set aside for the audit while the data disk is full: a file of zeros made while
 * there is room, later overwritten in place. Writing over blocks a file already owns allocates
 * nothing, so these writes succeed on a full disk (ext4, tmpfs) and no other writer (an
 * outbox, the logs) can take the space first, as it could if the file were deleted to free it.
 *
 * The used part is the text before the first zero byte: audit lines (JSON, UTF-8) contain no
 * zero byte. Lines left there by a previous run are found again by `open()`.
 */
export class AuditReserve {
  private handle: FileHandle | null = null;
  private capacity = 0;
  private used = 0;

  constructor(
    private readonly path: string,
    private readonly wantedBytes: number,
  ) {}

  /**
   * Opens (or makes) the reserve and tops it up to its size while there is room: a reserve
   * the disk could not fully hold keeps what it got. Returns the lines a previous run left.
   */
  async open(): Promise<string> {
    this.handle = await openReadWrite(this.path);
    const content = await this.handle.readFile();
    const end = content.indexOf(0);
    this.used = end === -1 ? content.length : end;
    this.capacity = content.length;
    const zeros = Buffer.alloc(Math.min(FILL_CHUNK, this.wantedBytes));
    try {
      while (this.capacity < this.wantedBytes) {
        const length = Math.min(zeros.length, this.wantedBytes - this.capacity);
        const { bytesWritten } = await this.handle.write(zeros, 0, length, this.capacity);
        this.capacity += bytesWritten;
        if (bytesWritten < length) break; // the disk is full: keep what it holds
      }
    } catch (error) {
      if (!isDiskFull(error)) throw error;
      this.capacity = (await this.handle.stat()).size;
    }
    return content.subarray(0, this.used).toString('utf8');
  }

  /** Bytes it can hold in all, and holds now. */
  stats(): { capacityBytes: number; usedBytes: number } {
    return { capacityBytes: this.capacity, usedBytes: this.used };
  }

  /** The lines it holds, in write order. */
  async text(): Promise<string> {
    const handle = this.requireOpen();
    const buffer = Buffer.alloc(this.used);
    await handle.read(buffer, 0, this.used, 0);
    return buffer.toString('utf8');
  }

  /** Writes one line after the others; false when it would not fit (nothing written). */
  async write(line: string): Promise<boolean> {
    const handle = this.requireOpen();
    const bytes = Buffer.from(line, 'utf8');
    if (this.used + bytes.length > this.capacity) return false;
    let written = 0;
    while (written < bytes.length) {
      const result = await handle.write(
        bytes,
        written,
        bytes.length - written,
        this.used + written,
      );
      if (result.bytesWritten === 0) throw new Error('audit reserve: write made no progress');
      written += result.bytesWritten;
    }
    this.used += bytes.length;
    return true;
  }

  /** Forgets the lines (zeros over them, in place), once the log has them. */
  async clear(): Promise<void> {
    const handle = this.requireOpen();
    if (this.used === 0) return;
    await handle.write(Buffer.alloc(this.used), 0, this.used, 0);
    await handle.datasync();
    this.used = 0;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }

  private requireOpen(): FileHandle {
    if (this.handle === null) throw new Error('audit reserve is not open');
    return this.handle;
  }
}

/** Read-write without truncating ('r+'), created when missing; owner only, like the log. */
async function openReadWrite(path: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await fs.open(path, 'r+');
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    handle = await fs.open(path, 'w+', FILE_MODE);
  }
  await handle.chmod(FILE_MODE);
  return handle;
}
