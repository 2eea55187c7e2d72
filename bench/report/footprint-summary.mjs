// @ts-check
import { formatBytes } from '../lib/rates.mjs';
import { markdownTable } from './markdown-table.mjs';
import { n, SYSTEM_LABEL } from './report-format.mjs';

/**
 * The one-line-per-system footprint table of the README section: storage, CPU and peak RSS
 * side by side, each from its own window. Pure.
 */

/** @typedef {import('./result-types.mjs').BenchResults} BenchResults */

/**
 * @param {Pick<BenchResults, 'windows' | 'cpu' | 'storage'>} r
 * @returns {string[]} Markdown lines (none when the run measured none of it)
 */
export function footprintSummary(r) {
  const footprint = r.windows.filter((w) => w.footprintWindow);
  if (r.storage.length === 0 && r.cpu.length === 0 && footprint.length === 0) return [];
  const storage = r.storage[0];
  const perHour = r.cpu.find((c) => c.periodMs === 500) ?? r.cpu.at(-1);
  const perSample = r.cpu.find((c) => c.periodMs === 100) ?? r.cpu[0];
  const fp = footprint[0];
  const header = [
    'system',
    `storage writes/day${storage ? ` (${storage.periodMs} ms)` : ''}`,
    'fsyncs/min',
    'renames/min',
    'file opens/min',
    `CPU s/hour${perHour ? ` (${perHour.periodMs} ms, ${perHour.clients} clients)` : ''}`,
    `CPU ms/sample${perSample ? ` (${perSample.periodMs} ms, ${perSample.clients} clients)` : ''}`,
    `peak RSS MB${fp ? ` (${fp.periodMs} ms, ${fp.clients} clients)` : ''}`,
  ];
  const rows = /** @type {const} */ (['cryopilot', 'relay', 'node-red']).map((system) => {
    const s = r.storage.find((x) => x.system === system);
    const hour =
      perHour && r.cpu.find((c) => c.system === system && c.periodMs === perHour.periodMs);
    const sample =
      perSample && r.cpu.find((c) => c.system === system && c.periodMs === perSample.periodMs);
    const w = footprint.find((x) => x.system === system);
    return [
      SYSTEM_LABEL[system],
      s ? (s.unmeasurable ? 'n/a (tmpfs)' : formatBytes(s.bytesPerDay)) : 'n/a',
      n(s?.strace?.fsyncsPerMin),
      n(s?.strace?.renamesPerMin),
      n(s?.strace?.opensPerMin),
      n(hour?.cpuSPerHour),
      n(sample?.cpuMsPerSample),
      n(w?.usage.peakRssMb),
    ];
  });
  return [
    '### Footprint per system',
    '',
    'Storage: `/proc/<pid>/io` write_bytes with MQTT and telemetry up, scaled to a day;',
    'fsync + fdatasync, renames and file opens from `strace -c -f` attached for part of that',
    'window. CPU: utime + stime of the system’s processes (CryoPilot’s loop supervisor',
    'included) over an untraced window. For the peers that is the relay alone (the CryoPilot',
    'service still runs as their source); CryoPilot’s includes acquisition, control, MQTT',
    'publish, telemetry and its own WebSocket.',
    '',
    markdownTable(header, rows, [
      'left',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
    ]),
    '',
  ];
}
