// @ts-check
import { join } from 'node:path';
import { ManagedProcess } from '../lib/managed-process.mjs';
import { freePort } from '../lib/net.mjs';

/**
 * A local VictoriaMetrics (the `victoria-metrics` binary) on a free loopback port: it accepts
 * the InfluxDB v2 line protocol on `/api/v2/write`, so the service writes telemetry to it as it
 * would to InfluxDB on the Pi (the write path is part of what the service does each sample).
 * @param {string} workDir
 * @returns {Promise<{ process: ManagedProcess, port: number, url: string }>}
 */
export async function startVictoriaMetrics(workDir) {
  const port = await freePort();
  const server = new ManagedProcess({
    name: 'victoria-metrics',
    command: 'victoria-metrics',
    args: [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${join(workDir, 'victoria-metrics')}`,
      '-search.latencyOffset=0s',
      '-loggerLevel=ERROR',
    ],
    aptPackage: 'victoria-metrics',
  });
  const url = `http://127.0.0.1:${port}`;
  await server.waitReady(async () => (await fetch(`${url}/health`)).ok);
  return { process: server, port, url };
}

/**
 * Number of `channel_value` points VictoriaMetrics holds for `device`, to show that the
 * telemetry path was really exercised during the run.
 * @param {string} url
 * @param {string} device
 * @returns {Promise<number>}
 */
export async function countChannelPoints(url, device) {
  const match = encodeURIComponent(`channel_value{device="${device}"}`);
  const response = await fetch(`${url}/api/v1/export?match[]=${match}`);
  if (!response.ok) throw new Error(`victoria-metrics export: HTTP ${response.status}`);
  let points = 0;
  for (const line of (await response.text()).split('\n')) {
    if (!line.trim()) continue;
    const series = /** @type {{ values?: unknown[] }} */ (JSON.parse(line));
    points += series.values?.length ?? 0;
  }
  return points;
}
