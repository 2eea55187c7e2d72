// @ts-check
/**
 * The summary table `strace -c` prints when it detaches, and the storage-related system calls
 * counted from it. Pure.
 *
 *   % time     seconds  usecs/call     calls    errors syscall
 *   ------ ----------- ----------- --------- --------- ------------------
 *    72.64    0.124765        2079        60         1 futex
 *     0.00    0.000000           0         3           fsync
 *   ------ ----------- ----------- --------- --------- ------------------
 *   100.00    0.171757         241       712        19 total
 */

/**
 * Calls per system call name (the `total` line left out).
 * @param {string} text
 * @returns {Record<string, { calls: number, errors: number }>}
 * @throws {Error} when the text has no summary table (strace failed, or was killed before
 *   printing it)
 */
export function parseStraceSummary(text) {
  /** @type {Record<string, { calls: number, errors: number }>} */
  const counts = {};
  let header = false;
  for (const line of text.split('\n')) {
    if (/^\s*% time\s+seconds\s+usecs\/call\s+calls\s+errors\s+syscall\s*$/.test(line)) {
      header = true;
      continue;
    }
    if (!header) continue;
    // pct seconds usecs/call calls [errors] name: the errors column is blank when zero.
    const match = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:(\d+)\s+)?([a-z_0-9]+)\s*$/.exec(line);
    if (!match || match[3] === 'total') continue;
    counts[match[3]] = { calls: Number(match[1]), errors: Number(match[2] ?? 0) };
  }
  if (!header) throw new Error(`no strace -c summary in: ${text.slice(0, 200)}`);
  return counts;
}

/**
 * The calls that cost storage: data and metadata flushes, renames (each one a journal
 * transaction on ext4), and opens of files (sockets are opened by other calls). Every variant
 * the C library may use on any architecture is summed: x86-64 glibc calls `rename`, arm64 (the
 * Pi) has only `renameat`/`renameat2`.
 */
export const STORAGE_SYSCALLS = /** @type {const} */ ({
  fsync: ['fsync'],
  fdatasync: ['fdatasync'],
  syncFileRange: ['sync_file_range'],
  rename: ['rename', 'renameat', 'renameat2'],
  open: ['open', 'openat', 'openat2', 'creat'],
  unlink: ['unlink', 'unlinkat'],
});

/** @typedef {{ [K in keyof typeof STORAGE_SYSCALLS]: number }} StorageCalls */

/**
 * @param {Record<string, { calls: number }>} counts from `parseStraceSummary`
 * @returns {StorageCalls}
 */
export function storageCalls(counts) {
  const sum = (/** @type {readonly string[]} */ names) =>
    names.reduce((n, name) => n + (counts[name]?.calls ?? 0), 0);
  return {
    fsync: sum(STORAGE_SYSCALLS.fsync),
    fdatasync: sum(STORAGE_SYSCALLS.fdatasync),
    syncFileRange: sum(STORAGE_SYSCALLS.syncFileRange),
    rename: sum(STORAGE_SYSCALLS.rename),
    open: sum(STORAGE_SYSCALLS.open),
    unlink: sum(STORAGE_SYSCALLS.unlink),
  };
}
