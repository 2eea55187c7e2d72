// @ts-check
import { MqttRecorder } from '../clients/mqtt-recorder.mjs';
import { intervalDeviations } from '../clients/sample-message.mjs';
import { WsFanout } from '../clients/ws-fanout.mjs';
import { sleep } from '../lib/managed-process.mjs';
import { roundDistribution, summarize } from '../lib/percentiles.mjs';
import { clockTicksPerSecond, readProcessTreeUsage, usageOverWindow } from '../lib/proc-stats.mjs';
import { calibrateWallClock } from '../lib/wall-clock.mjs';
import { spawnNodeRed, spawnRelay, waitPeerForwarding } from '../systems/peers.mjs';

/**
 * Latency, fan-out and footprint: for each system, N WebSocket clients for a fixed window while
 * an MQTT subscriber listens to the telemetry topic. One service instance (at one sample period)
 * is the source for all three systems; the systems run one at a time.
 */

/** @typedef {import('../lib/run-plan.mjs').SystemName} SystemName */
/** @typedef {import('../systems/cryopilot.mjs').CryoPilotService} CryoPilotService */

/**
 * @typedef {object} WindowSpec
 * @property {number} clients
 * @property {number} durationS
 * @property {boolean} footprint whether this is the fixed CPU/RSS window
 */

/**
 * The windows to run at `periodMs`.
 * @param {import('../lib/run-plan.mjs').RunPlan} plan
 * @param {number} periodMs
 * @returns {WindowSpec[]}
 */
export function windowsFor(plan, periodMs) {
  const wantsLatency = plan.scenarios.includes('latency');
  const wantsFootprint =
    plan.scenarios.includes('footprint') && periodMs === plan.footprintPeriodMs;
  if (!wantsLatency) {
    return wantsFootprint
      ? [{ clients: plan.footprintClients, durationS: plan.footprintWindowS, footprint: true }]
      : [];
  }
  return plan.clientCounts.map((clients) => {
    const footprint = wantsFootprint && clients === plan.footprintClients;
    return {
      clients,
      durationS: footprint ? plan.footprintWindowS : plan.windowS(periodMs),
      footprint,
    };
  });
}

/**
 * Runs every window for the three systems against `service`.
 * @param {{ plan: import('../lib/run-plan.mjs').RunPlan, service: CryoPilotService, mqttUrl: string, mqttPort: number, workDir: string, log: (line: string) => void }} context
 * @returns {Promise<import('../report/result-types.mjs').WindowRecord[]>} one per system × window
 */
export async function runFanoutWindows({ plan, service, mqttUrl, mqttPort, workDir, log }) {
  const periodMs = service.options.periodMs;
  const windows = windowsFor(plan, periodMs);
  if (windows.length === 0) return [];
  const recorder = new MqttRecorder(mqttUrl, service.telemetryTopic);
  await recorder.open();
  const records = [];
  try {
    for (const system of /** @type {SystemName[]} */ (['cryopilot', 'relay', 'node-red'])) {
      const target = await startTarget(system, service, {
        mqttPort,
        topic: service.telemetryTopic,
        workDir,
      });
      try {
        for (const spec of windows) {
          log(
            `  ${system} @ ${periodMs} ms, ${spec.clients} clients, ${spec.durationS} s` +
              (spec.footprint ? ' (footprint window)' : ''),
          );
          records.push(
            await runWindow({ system, target, service, recorder, spec, warmupS: plan.warmupS }),
          );
        }
      } finally {
        await target.stop();
      }
    }
  } finally {
    await recorder.close();
  }
  return records;
}

/**
 * @typedef {object} Target
 * @property {string} wsUrl
 * @property {Record<string, string>} headers
 * @property {number} pid process whose CPU and memory are measured
 * @property {() => Promise<void>} stop
 */

/**
 * @param {SystemName} system
 * @param {CryoPilotService} service
 * @param {{ mqttPort: number, topic: string, workDir: string }} peerOptions
 * @returns {Promise<Target>}
 */
export async function startTarget(system, service, peerOptions) {
  if (system === 'cryopilot') {
    if (!service.cookie) await service.login();
    return {
      wsUrl: service.wsUrl,
      headers: { cookie: service.cookie ?? '' },
      pid: service.process.pid,
      stop: async () => undefined,
    };
  }
  // The peers run on the service's Node: the comparison is between programs, not runtimes.
  const options = { ...peerOptions, node: service.options.node };
  const peer = system === 'relay' ? await spawnRelay(options) : await spawnNodeRed(options);
  await waitPeerForwarding(peer);
  return { wsUrl: peer.wsUrl, headers: {}, pid: peer.process.pid, stop: () => peer.process.stop() };
}

/**
 * One window: connect, warm up, record, measure, disconnect.
 * @param {{ system: SystemName, target: Target, service: CryoPilotService, recorder: MqttRecorder, spec: WindowSpec, warmupS: number }} args
 * @returns {Promise<import('../report/result-types.mjs').WindowRecord>}
 */
async function runWindow({ system, target, service, recorder, spec, warmupS }) {
  const periodMs = service.options.periodMs;
  const fanout = new WsFanout(target.wsUrl, spec.clients, target.headers);
  try {
    // The samples' timing while the clients connect and get their snapshots, too.
    recorder.startRecording();
    await fanout.open();
    await sleep(warmupS * 1000);
    const connectDeviations = intervalDeviations(recorder.stamps, periodMs);
    calibrateWallClock();
    const hz = clockTicksPerSecond();
    const before = readProcessTreeUsage(target.pid);
    const serviceBefore = readProcessTreeUsage(service.process.pid);
    const startedAt = performance.now();
    fanout.startRecording();
    recorder.startRecording();
    await sleep(spec.durationS * 1000);
    const ws = fanout.stopRecording();
    recorder.stopRecording();
    const wallS = (performance.now() - startedAt) / 1000;
    const usage = usageOverWindow(before, readProcessTreeUsage(target.pid), wallS, hz);
    const serviceUsage = usageOverWindow(
      serviceBefore,
      readProcessTreeUsage(service.process.pid),
      wallS,
      hz,
    );
    const clockDriftMs = calibrateWallClock();
    const hops = [];
    for (const { seq, recvMs } of ws.receipts) {
      const atMqtt = recorder.receivedAt.get(seq);
      if (atMqtt !== undefined) hops.push(recvMs - atMqtt);
    }
    return {
      system,
      periodMs,
      clients: spec.clients,
      windowS: Number(wallS.toFixed(1)),
      footprintWindow: spec.footprint,
      latencyMs: roundDistribution(summarize(ws.latenciesMs)),
      samplesPerClient: Number(ws.samplesPerClient.toFixed(1)),
      missing: ws.missing,
      disconnects: ws.disconnects,
      wireBytesPerSamplePerClient: Math.round(ws.wireBytesPerSamplePerClient),
      payloadBytesPerSample: Math.round(ws.payloadBytesPerSample),
      mqttLatencyMs: roundDistribution(summarize(recorder.latenciesMs)),
      mqttToWsHopMs: system === 'cryopilot' ? null : roundDistribution(summarize(hops)),
      connectIntervalDeviationMs: roundDistribution(summarize(connectDeviations)),
      sampleIntervalDeviationMs: roundDistribution(
        summarize(intervalDeviations(recorder.stamps, periodMs)),
      ),
      loopJitterMs: await service.loopJitter(),
      usage,
      serviceUsage,
      clockDriftMs: Number(clockDriftMs.toFixed(3)),
      // Where the footprint window's memory is, read after its CPU and RSS figures.
      memoryDetail: spec.footprint && system === 'cryopilot' ? await service.memory() : null,
    };
  } finally {
    await fanout.close();
  }
}
