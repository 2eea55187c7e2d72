// @ts-check
import { firstMessage } from '../clients/first-message.mjs';
import { MqttRecorder } from '../clients/mqtt-recorder.mjs';
import { sleep } from '../lib/managed-process.mjs';
import { CryoPilotService } from '../systems/cryopilot.mjs';
import { spawnNodeRed, spawnRelay } from '../systems/peers.mjs';

/**
 * Start-up time: from spawning the process to the first sample it publishes.
 * - CryoPilot: first telemetry message on MQTT (the first sample that leaves the process);
 *   also when its HTTP API first answers.
 * - Peers: first message forwarded to a WebSocket client that connects as soon as the port
 *   accepts connections (the service is already running and publishing at the same period).
 * Each start waits for the next sample, so up to one period of the figure is phase.
 */

/**
 * @param {{ periodMs: number, runs: number, mqttUrl: string, mqttPort: number, influxUrl: string, workDir: string, source: CryoPilotService, log: (line: string) => void }} context
 * @returns {Promise<import('../report/result-types.mjs').StartupRecord>}
 */
export async function runStartup(context) {
  const { runs, log } = context;
  /** @type {import('../report/result-types.mjs').StartupRecord} */
  const results = { periodMs: context.periodMs, cryopilot: [], relay: [], 'node-red': [] };
  for (let run = 0; run < runs; run++) {
    for (const system of /** @type {const} */ (['relay', 'node-red'])) {
      log(`  start-up ${system} #${run + 1}`);
      results[system].push(await peerStartup(system, context));
    }
  }
  // The source service is stopped first so that the measured start-up has the machine to itself.
  await context.source.stop();
  for (let run = 0; run < runs; run++) {
    log(`  start-up cryopilot #${run + 1}`);
    results.cryopilot.push(await serviceStartup(run, context));
  }
  return results;
}

/**
 * @param {number} run
 * @param {{ periodMs: number, mqttUrl: string, influxUrl: string, workDir: string, source: CryoPilotService }} context
 */
async function serviceStartup(run, { periodMs, mqttUrl, influxUrl, workDir, source }) {
  const deviceId = `bench-startup-${run}`;
  const recorder = new MqttRecorder(mqttUrl, `cryopilot/${deviceId}/telemetry`);
  /** @type {(recvMs: number) => void} */
  let firstSample = () => undefined;
  const firstSampleAt = new Promise((resolve) => (firstSample = resolve));
  recorder.onMessage = (recvMs) => firstSample(recvMs);
  await recorder.open();
  const service = await CryoPilotService.spawn({
    periodMs,
    mqttUrl,
    influxUrl,
    workDir,
    deviceId,
    withProbe: false,
    node: source.options.node,
  });
  try {
    await service.waitHttp();
    const httpReadyMs = Date.now() - service.process.spawnedAtMs;
    const recvMs = await Promise.race([
      firstSampleAt,
      sleep(30_000).then(() => {
        throw new Error(
          `no telemetry on MQTT within 30 s of start:\n${service.process.log.slice(-3000)}`,
        );
      }),
    ]);
    return {
      firstSampleMs: Math.round(/** @type {number} */ (recvMs) - service.process.spawnedAtMs),
      httpReadyMs,
    };
  } finally {
    await service.stop();
    await recorder.close();
  }
}

/**
 * @param {'relay' | 'node-red'} system
 * @param {{ mqttPort: number, workDir: string, source: CryoPilotService }} context
 */
async function peerStartup(system, { mqttPort, workDir, source }) {
  const options = { mqttPort, topic: source.telemetryTopic, workDir, node: source.options.node };
  const peer = system === 'relay' ? await spawnRelay(options) : await spawnNodeRed(options);
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const recvMs = await firstMessage(peer.wsUrl);
      if (recvMs !== null) return { firstSampleMs: Math.round(recvMs - peer.process.spawnedAtMs) };
      if (!peer.process.running) throw new Error(`${system} exited:\n${peer.process.log}`);
      await sleep(10);
    }
    throw new Error(
      `${system}: no sample forwarded within 60 s:\n${peer.process.log.slice(-3000)}`,
    );
  } finally {
    await peer.process.stop();
  }
}
