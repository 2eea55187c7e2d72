// @ts-check
import { join } from 'node:path';
import { MqttRecorder } from '../clients/mqtt-recorder.mjs';
import { WsFanout } from '../clients/ws-fanout.mjs';
import { sleep } from '../lib/managed-process.mjs';
import { ioDelta, isOnTmpfs, readProcessIo } from '../lib/proc-io.mjs';
import { clockTicksPerSecond, readProcessTreeUsage, usageOverWindow } from '../lib/proc-stats.mjs';
import { cpuCost, perDay, perMinute } from '../lib/rates.mjs';
import { attachStrace } from '../lib/strace.mjs';
import { storageCalls } from '../lib/strace-summary.mjs';
import { startTarget } from './fanout-windows.mjs';

/**
 * What the systems cost to run, with a few clients and every link up (MQTT, telemetry to the
 * time-series server): CPU over an untraced window (per hour, per sample), then storage — bytes
 * written from `/proc/<pid>/io` over the whole window, and fsync/rename/open counts from
 * `strace -c -f` attached for the last part only (tracing slows the process, so the CPU figure
 * is taken before it). One service instance at one period is the source for all three systems.
 */

/** @typedef {import('../lib/run-plan.mjs').SystemName} SystemName */
/** @typedef {import('../report/result-types.mjs').CpuRecord} CpuRecord */
/** @typedef {import('../report/result-types.mjs').StorageRecord} StorageRecord */

/**
 * @typedef {object} CostPhases
 * @property {number} clients
 * @property {number} cpuS untraced part (CPU and bytes)
 * @property {number} straceS traced part (bytes and system calls); 0 for no storage figures
 * @property {number} cryopilotStraceS CryoPilot's traced part, over which its bytes are
 *   counted too (plan.cryopilotStorageWindowS); 0 for no storage figures
 */

/**
 * The cost window at `periodMs`, or null when neither scenario wants one there. The storage
 * window always starts with an untraced part, so its bytes are counted over more than the
 * traced part alone (and its CPU figure comes for free).
 * @param {import('../lib/run-plan.mjs').RunPlan} plan
 * @param {number} periodMs
 * @returns {CostPhases | null}
 */
export function costPhasesFor(plan, periodMs) {
  const cpu = plan.scenarios.includes('cpu');
  const storage = plan.scenarios.includes('storage') && periodMs === plan.storagePeriodMs;
  if (!cpu && !storage) return null;
  return {
    clients: plan.costClients,
    cpuS: plan.cpuWindowS(periodMs),
    straceS: storage ? plan.straceWindowS : 0,
    // CryoPilot's traced part is its whole storage window: bytes and calls over the same span.
    cryopilotStraceS: storage ? plan.cryopilotStorageWindowS : 0,
  };
}

/**
 * @param {{ plan: import('../lib/run-plan.mjs').RunPlan, service: import('../systems/cryopilot.mjs').CryoPilotService, mqttUrl: string, mqttPort: number, workDir: string, log: (line: string) => void }} context
 * @returns {Promise<{ cpu: CpuRecord[], storage: StorageRecord[] }>}
 */
export async function runCostWindows({ plan, service, mqttUrl, mqttPort, workDir, log }) {
  const periodMs = service.options.periodMs;
  const phases = costPhasesFor(plan, periodMs);
  /** @type {{ cpu: CpuRecord[], storage: StorageRecord[] }} */
  const out = { cpu: [], storage: [] };
  if (!phases) return out;
  // Every system keeps its files under workDir; on tmpfs nothing reaches a disk.
  const unmeasurable = isOnTmpfs(workDir)
    ? `${workDir} is on tmpfs: writes never reach a block device, write_bytes stays 0`
    : null;
  const recorder = new MqttRecorder(mqttUrl, service.telemetryTopic);
  await recorder.open();
  try {
    for (const system of /** @type {SystemName[]} */ (['cryopilot', 'relay', 'node-red'])) {
      const target = await startTarget(system, service, {
        mqttPort,
        topic: service.telemetryTopic,
        workDir,
      });
      const fanout = new WsFanout(target.wsUrl, phases.clients, target.headers);
      try {
        log(
          `  ${system} @ ${periodMs} ms, ${phases.clients} clients: CPU ${phases.cpuS} s` +
            (phases.straceS
              ? `, then storage under strace ${system === 'cryopilot' ? phases.cryopilotStraceS : phases.straceS} s`
              : ''),
        );
        await fanout.open();
        await sleep(plan.warmupS * 1000);
        const hz = clockTicksPerSecond();
        const ioBefore = readProcessIo(target.pid);
        const before = readProcessTreeUsage(target.pid);
        const serviceBefore = readProcessTreeUsage(service.process.pid);
        const startedAt = performance.now();
        recorder.startRecording();
        await sleep(phases.cpuS * 1000);
        recorder.stopRecording();
        const cpuWallS = (performance.now() - startedAt) / 1000;
        const usage = usageOverWindow(before, readProcessTreeUsage(target.pid), cpuWallS, hz);
        const serviceUsage = usageOverWindow(
          serviceBefore,
          readProcessTreeUsage(service.process.pid),
          cpuWallS,
          hz,
        );
        const samples = recorder.stamps.length;
        out.cpu.push({
          system,
          periodMs,
          clients: phases.clients,
          windowS: Number(cpuWallS.toFixed(1)),
          samples,
          cpuS: usage.cpuS,
          ...cpuCost({ cpuS: usage.cpuS, windowS: cpuWallS, samples }),
          serviceCpuS: serviceUsage.cpuS,
        });
        if (phases.straceS === 0) continue;
        // CryoPilot's bytes over its traced part only: exactly one trend-store batch interval,
        // so bytes and fsyncs both see exactly one batch. The peers' over both parts.
        const overTracedOnly = system === 'cryopilot';
        const ioTracedFrom = readProcessIo(target.pid);
        const tracedFrom = performance.now();
        const traced = await tracedPart(
          target.pid,
          join(workDir, `strace-${system}-${periodMs}.txt`),
          system === 'cryopilot' ? phases.cryopilotStraceS : phases.straceS,
        );
        const io = ioDelta(overTracedOnly ? ioTracedFrom : ioBefore, readProcessIo(target.pid));
        const windowS = (performance.now() - (overTracedOnly ? tracedFrom : startedAt)) / 1000;
        out.storage.push({
          system,
          periodMs,
          clients: phases.clients,
          windowS: Number(windowS.toFixed(1)),
          writeBytes: io.writeBytes,
          cancelledWriteBytes: io.cancelledWriteBytes,
          bytesPerDay: Math.round(perDay(io.writeBytes, windowS)),
          unmeasurable,
          ...traced,
        });
      } finally {
        await fanout.close();
        await target.stop();
      }
    }
  } finally {
    await recorder.close();
  }
  return out;
}

/**
 * `strace -c -f` on `pid` for `seconds`; a failure to trace (no strace, ptrace not allowed in
 * a container) is reported, not fatal: the byte count does not need it.
 * @param {number} pid
 * @param {string} summaryFile
 * @param {number} seconds
 * @returns {Promise<{ strace: import('../report/result-types.mjs').StraceRecord | null, straceError: string | null }>}
 */
async function tracedPart(pid, summaryFile, seconds) {
  let tracer;
  try {
    tracer = await attachStrace(pid, summaryFile);
  } catch (error) {
    await sleep(seconds * 1000); // keep the byte window as long as planned
    return { strace: null, straceError: firstLine(error) };
  }
  const startedAt = performance.now();
  await sleep(seconds * 1000);
  try {
    const counts = await tracer.detach();
    const windowS = (performance.now() - startedAt) / 1000;
    const calls = storageCalls(counts);
    return {
      strace: {
        windowS: Number(windowS.toFixed(1)),
        calls,
        fsyncsPerMin: round2(perMinute(calls.fsync + calls.fdatasync, windowS)),
        renamesPerMin: round2(perMinute(calls.rename, windowS)),
        opensPerMin: round2(perMinute(calls.open, windowS)),
        totalCalls: Object.values(counts).reduce((n, c) => n + c.calls, 0),
      },
      straceError: null,
    };
  } catch (error) {
    return { strace: null, straceError: firstLine(error) };
  }
}

/** @param {number} v */
const round2 = (v) => Number(v.toFixed(2));

/**
 * An error as one line for the report (strace's own complaint included, e.g. ptrace refused).
 * @param {unknown} error
 */
function firstLine(error) {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' — ').slice(0, 300);
}
