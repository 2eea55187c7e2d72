// @ts-check
/**
 * Memory, CPU and latency of the CryoPilot service under different Node flags or environment,
 * A/B: the variants run one after the other, alternated, each on a fresh service (simulated HAT,
 * real Mosquitto and VictoriaMetrics) at 100 ms with 20 WebSocket clients for 60 s after one
 * login, like the footprint window of `make bench`. Figures: the process tree's RSS at ready,
 * after login, at the end and its peak (VmHWM; the loop supervisor included), the service's
 * file-backed and anonymous RSS at the end, CPU seconds over the window and sample → client
 * latency (p50, p99) in it. `--clients 200 --seconds 20` gives the fan-out's cost.
 *
 *   node bench/memory-ab.mjs [--runs 2] [--seconds 60] [--clients 20] -- VARIANT...
 *
 * A VARIANT is a quoted list of tokens on top of what ships (SERVICE_NODE_FLAGS, SERVICE_ENV):
 * `--flag` a Node/V8 flag, `NAME=value` an environment variable, `probe` the register probe
 * (what `make bench` loads for its reaction scenario), `memory-probe` the memory probe, `ships`
 * nothing more. Example: `node bench/memory-ab.mjs -- ships '--optimize-for-size'`.
 * The service runs on the image's Node, as in `make bench` (BENCH_NODE=/path/to/node for another).
 * Results print as a table (MB, s); nothing is written. Not part of `make bench`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { WsFanout } from './clients/ws-fanout.mjs';
import { startMosquitto } from './infra/mosquitto.mjs';
import { startVictoriaMetrics } from './infra/victoria-metrics.mjs';
import { resolveBenchNode } from './lib/image-node.mjs';
import { summarize } from './lib/percentiles.mjs';
import { clockTicksPerSecond, readProcessTreeUsage } from './lib/proc-stats.mjs';
import { calibrateWallClock } from './lib/wall-clock.mjs';
import { CryoPilotService, SERVICE_ENV, SERVICE_NODE_FLAGS } from './systems/cryopilot.mjs';
import { readMemoryDetail } from './systems/memory-detail.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '60' },
    clients: { type: 'string', default: '20' },
  },
});
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const clients = Number(values.clients);
if (positionals.length === 0) throw new Error('name at least one variant, e.g. ships');

/**
 * @param {string} text
 */
function parseVariant(text) {
  const tokens = text.split(/\s+/).filter(Boolean);
  /** @type {string[]} */
  const nodeFlags = [...SERVICE_NODE_FLAGS];
  /** @type {Record<string, string>} */
  const env = { ...SERVICE_ENV };
  let withProbe = false;
  let memoryProbe = false;
  for (const token of tokens) {
    if (token === 'ships') continue;
    else if (token === 'probe') withProbe = true;
    else if (token === 'memory-probe') memoryProbe = true;
    else if (token.startsWith('--')) nodeFlags.push(token);
    else if (/^[A-Z_][A-Z0-9_]*=/.test(token)) {
      const at = token.indexOf('=');
      env[token.slice(0, at)] = token.slice(at + 1);
    } else throw new Error(`variant "${text}": cannot read "${token}"`);
  }
  return { name: text, nodeFlags, env, withProbe, memoryProbe };
}

const variants = positionals.map(parseVariant);
// As in `make bench`: the image's Node (or BENCH_NODE).
const systemsNode = resolveBenchNode({ log: console.log });
console.log(`service on Node ${systemsNode.version} (${systemsNode.source}: ${systemsNode.path})`);
const mb = (/** @type {number} */ kb) => Number((kb / 1024).toFixed(1));
const workDir = mkdtempSync(join(tmpdir(), 'cryopilot-memory-ab-'));
const mosquitto = await startMosquitto(workDir);
const victoria = await startVictoriaMetrics(workDir);
/** @type {Array<Record<string, string | number>>} */
const rows = [];
try {
  for (let run = 1; run <= runs; run++) {
    for (const variant of variants) {
      const service = await CryoPilotService.spawn({
        periodMs: 100,
        mqttUrl: mosquitto.url,
        influxUrl: victoria.url,
        workDir,
        deviceId: 'ab',
        withProbe: variant.withProbe,
        memoryProbe: variant.memoryProbe,
        nodeFlags: variant.nodeFlags,
        env: variant.env,
        node: systemsNode.path,
      });
      try {
        await service.waitHttp();
        const ready = readProcessTreeUsage(service.process.pid);
        await service.login();
        await sleep(1000);
        const afterLogin = readProcessTreeUsage(service.process.pid);
        const fanout = new WsFanout(service.wsUrl, clients, { cookie: service.cookie ?? '' });
        await fanout.open();
        await sleep(2000);
        calibrateWallClock();
        const before = readProcessTreeUsage(service.process.pid);
        fanout.startRecording();
        await sleep(seconds * 1000);
        const end = readProcessTreeUsage(service.process.pid);
        const latency = summarize(fanout.stopRecording().latenciesMs);
        const detail = await readMemoryDetail(service.process.pid, null);
        await fanout.close();
        const row = {
          variant: variant.name,
          run,
          processes: end.processes,
          'RSS ready': mb(ready.rssKb),
          'RSS after login': mb(afterLogin.rssKb),
          'RSS end': mb(end.rssKb),
          peak: mb(end.peakRssKb),
          // The service alone at the end: file-backed pages (the node binary, libraries) and
          // anonymous ones (V8 heap, malloc, stacks).
          'file end': detail.rssFileMb,
          'anon end': detail.rssAnonMb,
          'CPU s': Number(((end.cpuTicks - before.cpuTicks) / clockTicksPerSecond()).toFixed(2)),
          'latency p50 ms': Number((latency.p50 ?? NaN).toFixed(2)),
          'p99 ms': Number((latency.p99 ?? NaN).toFixed(2)),
        };
        rows.push(row);
        console.log(JSON.stringify(row));
      } finally {
        await service.stop();
      }
    }
  }
} finally {
  await victoria.process.stop();
  await mosquitto.process.stop();
  rmSync(workDir, { recursive: true, force: true });
}
console.table(rows);
