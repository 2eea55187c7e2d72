// @ts-check
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real, small filesystem (tmpfs) to fill up, as the service's own tests do
 * (services/control/test/support/small-filesystem.ts): mounting needs root or password-less
 * sudo; `mountPrefix()` says which, or null when neither is there.
 */
export function mountPrefix() {
  if (process.getuid?.() === 0) return [];
  try {
    execFileSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
    return ['sudo', '-n'];
  } catch {
    // No password-less sudo: the caller skips with the reason.
    return null;
  }
}

/**
 * Mounts a tmpfs of `size` (e.g. `16m`) on a fresh directory; `unmount()` removes it.
 * @param {string} size
 * @param {string[]} prefix from `mountPrefix()`
 */
export function mountSmallFilesystem(size, prefix) {
  const run = (/** @type {string[]} */ args) => {
    const [command, ...rest] = [...prefix, ...args];
    execFileSync(command, rest, { stdio: 'ignore' });
  };
  const path = mkdtempSync(join(tmpdir(), 'attack-small-fs-'));
  run(['mount', '-t', 'tmpfs', '-o', `size=${size},mode=0777`, 'tmpfs', path]);
  return {
    path,
    unmount() {
      run(['umount', '--lazy', path]); // lazy: a file the service still holds open
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/**
 * Writes `file` until the filesystem refuses (ENOSPC), in 1 MiB then 4 KiB pieces.
 * @param {string} file
 * @returns {number} bytes written
 */
export function fillUp(file) {
  const fd = openSync(file, 'a');
  let written = 0;
  try {
    for (const size of [1024 * 1024, 4096, 512]) {
      const chunk = Buffer.alloc(size, 0x5a);
      for (;;) {
        try {
          written += writeSync(fd, chunk);
        } catch (error) {
          if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ENOSPC') break;
          throw error;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}
