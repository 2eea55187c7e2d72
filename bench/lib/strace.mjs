// @ts-check
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
 * @param {string} [statusFile] a thread's status file instead
 */
function tracerOf(pid, statusFile = `/proc/${pid}/status`) {
  const match = /^TracerPid:\s+(\d+)$/m.exec(readFileSync(statusFile, 'utf8'));
  return match ? Number(match[1]) : 0;
}

/**
 * Whether every thread of `pid` is traced by `tracer` (threads that end meanwhile aside).
 * @param {number} pid
 * @param {number} tracer
 */
function everyThreadTracedBy(pid, tracer) {
  return readdirSync(`/proc/${pid}/task`).every((tid) => {
    try {
      return tracerOf(Number(tid), `/proc/${pid}/task/${tid}/status`) === tracer;
    } catch {
      return true; // ended while we looked
    }
  });
}

/**
 * Attaches to `pid` and resolves once strace really traces every thread of it.
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
  // With -f, strace attaches every thread listed in /proc/<pid>/task, one after the other (on a
  // loaded machine that takes a while); a thread's TracerPid turns to strace's pid once it is
  // seized. Calls made before would be missing from the counts.
  await tracer.waitReady(async () => everyThreadTracedBy(pid, tracer.pid), 10_000);
  return {
    detach: async () => {
      // SIGTERM makes strace detach and print the summary (SIGKILL would lose it).
      await tracer.stop(10_000);
      if (!existsSync(summaryFile)) throw new Error(`strace wrote no summary:\n${tracer.log}`);
      return parseStraceSummary(readFileSync(summaryFile, 'utf8'));
    },
  };
}
