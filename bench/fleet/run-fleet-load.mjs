// @ts-check
/**
 * Fleet load run (`make fleet-load`, docs/fleet.md "Measured here"): for each device count,
 * simulated devices → edge Mosquittos → bridge → central Mosquitto, and their InfluxDB lines →
 * central VictoriaMetrics. Reports loss and end-to-end latency (a subscriber on the central
 * broker; `ts` in the payload), and the central broker's and database's CPU and RSS from /proc.
 *   FLEET_LOAD_DEVICES  device counts, default "50 500"
 *   FLEET_LOAD_SECONDS  publishing time per count, default 60
 *   FLEET_LOAD_EDGES    edge brokers, default max(1, devices / 100) rounded up
 * Results: printed, and written to bench/results/fleet-load.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { sleep } from '../lib/managed-process.mjs';
import { RESULTS_DIR } from '../lib/paths.mjs';
import { clockTicksPerSecond, readProcessUsage, usageOverWindow } from '../lib/proc-stats.mjs';
import { startDevices } from './devices.mjs';
import { DeliveryLedger, assignEdges } from './ledger.mjs';
import { startTopology } from './topology.mjs';

const PERIOD_MS = 500; // 2 samples/s, the service's default samplePeriodMs

/** @param {number} devices @param {number} seconds */
async function runOnce(devices, seconds) {
  const edges = Number(process.env.FLEET_LOAD_EDGES ?? Math.max(1, Math.ceil(devices / 100)));
  const topology = await startTopology(edges);
  const ledger = new DeliveryLedger();
  const subscriber = await connectAsync(topology.centralUrl, {
    clientId: 'fleet-load-subscriber',
    protocolVersion: 4,
    clean: false,
  });
  try {
    subscriber.on('message', (topic, payload) => {
      const device = topic.split('/')[1];
      const sample = JSON.parse(payload.toString());
      ledger.recordReceived(device, sample.seq, Date.now() - Date.parse(sample.ts));
    });
    await subscriber.subscribeAsync('cryopilot/+/telemetry', { qos: 1 });
    const fleet = await startDevices({
      devices,
      edgeUrls: topology.edgeUrls,
      edgeOf: assignEdges(devices, edges),
      vmUrl: topology.vmUrl,
      periodMs: PERIOD_MS,
      onSent: (device, seq) => ledger.recordSent(device, seq),
    });
    // Resource use over the steady window only (after every device has started).
    await sleep(PERIOD_MS + 2000);
    const hz = clockTicksPerSecond();
    const before = {
      broker: readProcessUsage(topology.central.pid),
      tsdb: readProcessUsage(topology.vm.pid),
      self: readProcessUsage(process.pid),
      at: Date.now(),
    };
    await sleep(seconds * 1000);
    const wallS = (Date.now() - before.at) / 1000;
    // The machine's load over the window: on a shared machine the generator may not reach
    // the target rate, so the achieved rate is reported next to the target.
    const load1 = loadavg()[0];
    const sentInWindow = ledger.summary().sent;
    const usage = {
      centralBroker: usageOverWindow(
        before.broker,
        readProcessUsage(topology.central.pid),
        wallS,
        hz,
      ),
      tsdb: usageOverWindow(before.tsdb, readProcessUsage(topology.vm.pid), wallS, hz),
      loadGenerator: usageOverWindow(before.self, readProcessUsage(process.pid), wallS, hz),
    };
    await fleet.stopPublishing();
    // Drain: what is still in flight gets up to 30 s to arrive.
    const drainEnd = Date.now() + 30_000;
    while (!ledger.complete && Date.now() < drainEnd) await sleep(250);
    await sleep(1500); // the last database writes
    await fetch(`${topology.vmUrl}/internal/force_flush`);
    const stored = await storedLines(topology.vmUrl);
    const { linesWritten, writeErrors } = fleet.stats();
    await fleet.close();
    return {
      devices,
      edges,
      seconds,
      targetMsgPerS: (devices * 1000) / PERIOD_MS,
      achievedMsgPerS: Number((sentInWindow / (wallS + (PERIOD_MS + 2000) / 1000)).toFixed(1)),
      loadAverage1m: Number(load1.toFixed(2)),
      mqtt: ledger.summary(),
      tsdb: {
        linesSent: ledger.summary().sent * 3,
        linesAccepted: linesWritten,
        writeErrors,
        linesStored: stored,
      },
      usage,
    };
  } finally {
    await subscriber.endAsync(true);
    await topology.stop();
  }
}

/** Samples stored centrally (`channel_seq` series of all devices). @param {string} vmUrl */
async function storedLines(vmUrl) {
  const query = encodeURIComponent('sum(count_over_time(channel_seq[1h]))');
  const res = await fetch(`${vmUrl}/api/v1/query?query=${query}`);
  const body = /** @type {{data: {result: {value: [number, string]}[]}}} */ (await res.json());
  return Number(body.data.result[0]?.value[1] ?? 0);
}

const counts = (process.env.FLEET_LOAD_DEVICES ?? '50 500').split(/[\s,]+/).filter(Boolean);
const seconds = Number(process.env.FLEET_LOAD_SECONDS ?? 60);
const machine = {
  host: hostname(),
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  memoryGb: Number((totalmem() / 2 ** 30).toFixed(1)),
  node: process.version,
};
const runs = [];
for (const n of counts) {
  const result = await runOnce(Number(n), seconds);
  runs.push(result);
  const m = result.mqtt;
  const u = result.usage;
  console.log(
    `${n} devices (${result.achievedMsgPerS} of ${result.targetMsgPerS} msg/s, load ${result.loadAverage1m}): ` +
      `MQTT sent ${m.sent}, lost ${m.lost} (${m.lossPct} %), dup ${m.duplicates}; ` +
      `latency p50/p95/p99 ${m.latencyMs.p50}/${m.latencyMs.p95}/${m.latencyMs.p99} ms; ` +
      `TSDB stored ${result.tsdb.linesStored} of ${result.tsdb.linesSent} lines; ` +
      `broker ${u.centralBroker.cpuPctOfOneCore} % CPU ${u.centralBroker.rssMb} MB; ` +
      `VictoriaMetrics ${u.tsdb.cpuPctOfOneCore} % CPU ${u.tsdb.rssMb} MB`,
  );
}
const report = { date: new Date().toISOString(), machine, periodMs: PERIOD_MS, runs };
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(join(RESULTS_DIR, 'fleet-load.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
