// @ts-check
import { readFileSync, statfsSync } from 'node:fs';

/**
 * Storage I/O of a process from Linux `/proc/<pid>/io` (task I/O accounting). The process-level
 * file sums every thread, so libuv's pool threads (where `fs` calls run) are included. The
 * parser is pure; `readProcessIo` does the I/O.
 *
 * `write_bytes` counts bytes the process caused to be sent to the block layer (counted when a
 * page of a file on a disk-backed filesystem is dirtied), which is what wears an SD card.
 * `wchar` counts every byte passed to write(2) and friends, sockets included, so it is not a
 * storage figure. Journal and metadata writes made by the kernel on the process's behalf (one
 * journal commit per fsync on ext4) are not in `write_bytes`: the fsync count says those.
 */

/**
 * @typedef {object} ProcessIo
 * @property {number} wcharBytes bytes passed to write-like calls (sockets included)
 * @property {number} readBytes bytes fetched from storage
 * @property {number} writeBytes bytes sent (to be sent) to storage
 * @property {number} cancelledWriteBytes dirtied bytes never written (file truncated or removed first)
 */

/** The `/proc/<pid>/io` keys we read, by field. */
const KEYS = /** @type {const} */ ({
  wcharBytes: 'wchar',
  readBytes: 'read_bytes',
  writeBytes: 'write_bytes',
  cancelledWriteBytes: 'cancelled_write_bytes',
});

/**
 * @param {string} text contents of `/proc/<pid>/io` (`key: value` lines)
 * @returns {ProcessIo}
 * @throws {Error} when a key is missing (a kernel without task I/O accounting)
 */
export function parseProcIo(text) {
  /** @type {Map<string, number>} */
  const values = new Map();
  for (const line of text.split('\n')) {
    const match = /^(\w+):\s+(\d+)$/.exec(line.trim());
    if (match) values.set(match[1], Number(match[2]));
  }
  /** @param {string} key */
  const get = (key) => {
    const value = values.get(key);
    if (value === undefined) throw new Error(`${key} not found in /proc/<pid>/io`);
    return value;
  };
  return {
    wcharBytes: get(KEYS.wcharBytes),
    readBytes: get(KEYS.readBytes),
    writeBytes: get(KEYS.writeBytes),
    cancelledWriteBytes: get(KEYS.cancelledWriteBytes),
  };
}

/**
 * The difference between two readings, field by field.
 * @param {ProcessIo} before
 * @param {ProcessIo} after
 * @returns {ProcessIo}
 */
export function ioDelta(before, after) {
  return {
    wcharBytes: after.wcharBytes - before.wcharBytes,
    readBytes: after.readBytes - before.readBytes,
    writeBytes: after.writeBytes - before.writeBytes,
    cancelledWriteBytes: after.cancelledWriteBytes - before.cancelledWriteBytes,
  };
}

/**
 * Current I/O counters of process `pid` (readable by root or the process's own user).
 * @param {number} pid
 * @returns {ProcessIo}
 */
export function readProcessIo(pid) {
  return parseProcIo(readFileSync(`/proc/${pid}/io`, 'utf8'));
}

/** `statfs` f_type of tmpfs (linux/magic.h). */
export const TMPFS_MAGIC = 0x01021994;

/**
 * Whether `path` is on tmpfs, where writes never reach a block device and `write_bytes` stays 0
 * whatever the process writes: a storage figure measured there would be a false zero.
 * @param {string} path
 */
export function isOnTmpfs(path) {
  return statfsSync(path).type === TMPFS_MAGIC;
}
