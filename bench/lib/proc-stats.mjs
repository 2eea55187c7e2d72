// @ts-check
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time and memory of a process from Linux /proc (`stat` and `status`). The parsers are
 * pure; `readProcessUsage` does the I/O.
 */

/**
 * @typedef {object} ProcessUsage
 * @property {number} cpuTicks utime + stime, in clock ticks
 * @property {number} rssKb current resident set (VmRSS)
 * @property {number} peakRssKb peak resident set since the process started (VmHWM)
 */

/**
 * utime + stime (fields 14 and 15) of a /proc/<pid>/stat line. The command name (field 2) may
 * contain spaces and parentheses, so fields are counted after its closing parenthesis.
 * @param {string} statLine
 * @returns {number}
 */
export function parseCpuTicks(statLine) {
  const close = statLine.lastIndexOf(')');
  if (close < 0) throw new Error(`not a /proc/<pid>/stat line: ${statLine.slice(0, 80)}`);
  // After ") " come fields 3.. (state is field 3), so field n is at index n - 3.
  const fields = statLine
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isInteger(utime) || !Number.isInteger(stime)) {
    throw new Error(`cannot read utime/stime from: ${statLine.slice(0, 120)}`);
  }
  return utime + stime;
}

/**
 * A `VmXXX:   1234 kB` value of /proc/<pid>/status, in kB.
 * @param {string} status
 * @param {'VmRSS' | 'VmHWM' | 'RssAnon' | 'RssFile'} key
 * @returns {number}
 */
export function parseStatusKb(status, key) {
  const match = new RegExp(`^${key}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
  if (!match) throw new Error(`${key} not found in /proc status`);
  return Number(match[1]);
}

/**
 * Current usage of process `pid`.
 * @param {number} pid
 * @returns {ProcessUsage}
 */
export function readProcessUsage(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    cpuTicks: parseCpuTicks(stat),
    rssKb: parseStatusKb(status, 'VmRSS'),
    peakRssKb: parseStatusKb(status, 'VmHWM'),
  };
}

let ticksPerSecond = 0;
/** Clock ticks per second of /proc CPU times (`getconf CLK_TCK`, 100 on Linux). */
export function clockTicksPerSecond() {
  if (ticksPerSecond === 0) {
    ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    if (!(ticksPerSecond > 0)) throw new Error('getconf CLK_TCK gave no usable value');
  }
  return ticksPerSecond;
}

/**
 * CPU seconds, share of one core and peak RSS between two readings over `wallS` seconds.
 * @param {ProcessUsage} before
 * @param {ProcessUsage} after
 * @param {number} wallS
 * @param {number} hz clock ticks per second
 */
export function usageOverWindow(before, after, wallS, hz) {
  const cpuS = (after.cpuTicks - before.cpuTicks) / hz;
  return {
    windowS: wallS,
    cpuS: Number(cpuS.toFixed(2)),
    cpuPctOfOneCore: Number(((100 * cpuS) / wallS).toFixed(1)),
    rssMb: Number((after.rssKb / 1024).toFixed(1)),
    peakRssMb: Number((after.peakRssKb / 1024).toFixed(1)),
  };
}

/**
 * The parent pid (field 4) of a /proc/<pid>/stat line.
 * @param {string} statLine
 * @returns {number}
 */
export function parseParentPid(statLine) {
  const close = statLine.lastIndexOf(')');
  const ppid = Number(statLine.slice(close + 2).split(' ')[4 - 3]);
  if (close < 0 || !Number.isInteger(ppid)) {
    throw new Error(`cannot read the parent pid from: ${statLine.slice(0, 120)}`);
  }
  return ppid;
}

/**
 * `root` and every process below it (children, their children…), root first.
 * @param {number} root
 * @param {Map<number, number>} parents pid → parent pid
 * @returns {number[]}
 */
export function processTree(root, parents) {
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  }
  return tree;
}

/**
 * Current usage of process `pid` together with the processes it started — CryoPilot's loop
 * supervisor (a bash process) is part of what the service costs —, summed. The peak is the
 * sum of each process's own peak: an upper bound, the peaks need not coincide. Children that
 * end while they are read are left out.
 * @param {number} pid
 * @returns {ProcessUsage & { processes: number }}
 */
export function readProcessTreeUsage(pid) {
  /** @type {Map<number, number>} */
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      parents.set(Number(entry), parseParentPid(readFileSync(`/proc/${entry}/stat`, 'utf8')));
    } catch {
      // ended while we looked
    }
  }
  const total = { cpuTicks: 0, rssKb: 0, peakRssKb: 0, processes: 0 };
  for (const member of processTree(pid, parents)) {
    let usage;
    try {
      usage = readProcessUsage(member);
    } catch (error) {
      if (member === pid) throw error;
      continue;
    }
    total.cpuTicks += usage.cpuTicks;
    total.rssKb += usage.rssKb;
    total.peakRssKb += usage.peakRssKb;
    total.processes += 1;
  }
  return total;
}
