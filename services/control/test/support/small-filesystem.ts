import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real, small filesystem (tmpfs) for tests of what happens when the disk fills up. Mounting
 * needs root (CI on this machine) or password-less sudo (GitHub runners); `available` says
 * whether either is there, so that suites skip with a stated reason instead of failing.
 */
const prefix: string[] | null = (() => {
  if (process.getuid?.() === 0) return [];
  try {
    execFileSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
    return ['sudo', '-n'];
  } catch {
    return null;
  }
})();

export const smallFilesystemAvailable = prefix !== null;

function run(args: string[]): void {
  if (prefix === null) throw new Error('mounting needs root or password-less sudo');
  if (prefix.length === 0) execFileSync(args[0], args.slice(1));
  else execFileSync(prefix[0], [...prefix.slice(1), ...args]);
}

/** Mounts a tmpfs of `size` (e.g. `64k`, `4m`) on a fresh directory; `unmount` removes it. */
export function mountSmallFilesystem(size: string): { path: string; unmount(): void } {
  const path = mkdtempSync(join(tmpdir(), 'small-fs-'));
  run(['mount', '-t', 'tmpfs', '-o', `size=${size},mode=0777`, 'tmpfs', path]);
  return {
    path,
    unmount() {
      run(['umount', '--lazy', path]); // lazy: a file left open by a failed test
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/**
 * `describe` when a tmpfs can be mounted here, else `describe.skip` with the reason printed
 * (a skip, never a pass: the GitHub runners have sudo, this machine runs CI as root).
 */
export function describeOnSmallFilesystem(name: string, body: () => void): void {
  if (smallFilesystemAvailable) return describe(name, body);
  console.warn(`${name}: skipped, mounting a tmpfs needs root or password-less sudo`);
  // Skipped only where no tmpfs can be mounted (neither root nor sudo): a real full disk
  // cannot be faked without one. CI here (root) and on GitHub (sudo) always runs these.
  describe.skip(name, body);
}

/** Writes `path` until the filesystem refuses one more byte. */
export function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (let size = chunk.length; size >= 1;) {
      try {
        writeSync(fd, chunk, 0, size);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        size = Math.floor(size / 2); // fill the last pages' tails too
      }
    }
  } finally {
    closeSync(fd);
  }
}
