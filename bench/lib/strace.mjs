// @ts-check
import { existsSync, readFileSync } from 'node:fs';
import { ManagedProcess } from './managed-process.mjs';
import { parseStraceSummary } from './strace-summary.mjs';

/**
 * `strace -c -f -p <pid>`: counts the system calls of every thread of a running process until
 * it is detached. Tracing slows the traced process (each call stops it twice), so it is attached
 * only for the storage window and never while CPU time or latency is measured.
 */

/**
 * The tracer of `pid` (`TracerPid` in /proc/<pid>/status), 0 when none.
 * @param {number} pid
 */
function tracerOf(pid) {
  const match = /^TracerPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : 0;
}

/**
 * Attaches to `pid` and resolves once strace really traces it.
 * @param {number} pid
 * @param {string} summaryFile where strace writes its table (`-o`)
 * @returns {Promise<{ detach: () => Promise<Record<string, { calls: number, errors: number }>> }>}
 */
export async function attachStrace(pid, summaryFile) {
  const tracer = new ManagedProcess({
    name: `strace -p ${pid}`,
    command: 'strace',
    args: ['-c', '-f', '-o', summaryFile, '-p', String(pid)],
    aptPackage: 'strace',
  });
  // With -f, strace attaches every thread listed in /proc/<pid>/task; the main thread's
  // TracerPid turns to strace's pid once it is stopped and seized.
  await tracer.waitReady(async () => tracerOf(pid) === tracer.pid, 10_000);
  return {
    detach: async () => {
      // SIGTERM makes strace detach and print the summary (SIGKILL would lose it).
      await tracer.stop(10_000);
      if (!existsSync(summaryFile)) throw new Error(`strace wrote no summary:\n${tracer.log}`);
      return parseStraceSummary(readFileSync(summaryFile, 'utf8'));
    },
  };
}
