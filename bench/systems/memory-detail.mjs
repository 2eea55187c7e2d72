// @ts-check
import { existsSync, readFileSync } from 'node:fs';
import { sleep } from '../lib/managed-process.mjs';
import { parseStatusKb } from '../lib/proc-stats.mjs';

/**
 * Where the service's resident memory is, from `/proc/<pid>/status` (anonymous vs file-backed
 * pages) and the memory probe's `process.memoryUsage()` + V8 heap spaces.
 */

/**
 * @typedef {object} MemoryDetail all in MB
 * @property {number} rssMb VmRSS
 * @property {number} peakRssMb VmHWM
 * @property {number} rssFileMb file-backed resident pages: the node binary's code and data
 *   (V8, ICU), shared libraries, native addons
 * @property {number} rssAnonMb anonymous resident pages: V8 heap, malloc (native addons,
 *   buffers), thread stacks
 * @property {number | null} heapUsedMb V8 heap in use (objects, bytecode, module sources)
 * @property {number | null} heapTotalMb V8 heap reserved (all spaces)
 * @property {number | null} newSpaceMb of which the young generation (two semi-spaces)
 * @property {number | null} externalMb memory V8 tracks outside its heap (Buffers' data)
 */

/** @param {number} bytes */
const mb = (bytes) => Number((bytes / 1048576).toFixed(1));

/**
 * @param {string} status `/proc/<pid>/status`
 * @param {{ heapUsed: number, heapTotal: number, external: number, spaces: Record<string, { size: number }> } | null} probe
 * @returns {MemoryDetail}
 */
export function memoryDetail(status, probe) {
  const kb = (/** @type {'VmRSS' | 'VmHWM' | 'RssAnon' | 'RssFile'} */ key) =>
    Number((parseStatusKb(status, key) / 1024).toFixed(1));
  return {
    rssMb: kb('VmRSS'),
    peakRssMb: kb('VmHWM'),
    rssFileMb: kb('RssFile'),
    rssAnonMb: kb('RssAnon'),
    heapUsedMb: probe ? mb(probe.heapUsed) : null,
    heapTotalMb: probe ? mb(probe.heapTotal) : null,
    newSpaceMb: probe?.spaces.new_space ? mb(probe.spaces.new_space.size) : null,
    externalMb: probe ? mb(probe.external) : null,
  };
}

/**
 * Asks the memory probe in process `pid` for a reading (SIGWINCH) and combines it with /proc.
 * Without a probe file the V8 figures are null.
 * @param {number} pid
 * @param {string | null} probeFile BENCH_MEMORY_FILE of that process
 * @returns {Promise<MemoryDetail>}
 */
export async function readMemoryDetail(pid, probeFile) {
  let probe = null;
  if (probeFile) {
    const lines = () => (existsSync(probeFile) ? readFileSync(probeFile, 'utf8') : '');
    const before = lines().length;
    process.kill(pid, 'SIGWINCH');
    const deadline = Date.now() + 3_000;
    while (lines().length === before && Date.now() < deadline) await sleep(20);
    await sleep(20); // the line is written in one call; let it land whole
    const last = lines().trim().split('\n').at(-1);
    probe = lines().length > before && last ? JSON.parse(last) : null;
  }
  return memoryDetail(readFileSync(`/proc/${pid}/status`, 'utf8'), probe);
}
