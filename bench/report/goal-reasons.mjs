// @ts-check
import { formatBytes } from '../lib/rates.mjs';
import { fmt } from './format-numbers.mjs';

/**
 * Why a goal was missed, from the run's own figures (never from expectations). Pure.
 */

/** @typedef {import('./result-types.mjs').WindowRecord} WindowRecord */

/**
 * The latency goal against the peers at 20 clients.
 * @param {{ cp: WindowRecord, relay: WindowRecord, red: WindowRecord }} w
 * @returns {string}
 */
export function latencyReason({ cp, relay, red }) {
  const reasons = [];
  const cpP99 = cp.latencyMs.p99 ?? 0;
  if (cpP99 > (relay.latencyMs.p99 ?? Infinity)) {
    reasons.push(
      `CryoPilot p50 ${fmt(cp.latencyMs.p50)} vs relay ${fmt(relay.latencyMs.p50)}, ` +
        `p99 ${fmt(cpP99)} vs ${fmt(relay.latencyMs.p99)}, max ${fmt(cp.latencyMs.max)} vs ` +
        `${fmt(relay.latencyMs.max)}: the difference is in the tail`,
    );
  }
  const half = (red.latencyMs.p99 ?? 0) / 2;
  if (cpP99 > half) {
    const clauses = [
      `Node-RED’s own MQTT → WebSocket hop p99 is ${fmt(red.mqttToWsHopMs?.p99)} against the ` +
        `bare relay’s ${fmt(relay.mqttToWsHopMs?.p99)}, so on this machine Node-RED is not twice ` +
        `as slow as the relay: ½ Node-RED’s p99 is ${fmt(half)}`,
    ];
    const relayP99 = relay.latencyMs.p99;
    if (relayP99 !== null && half < relayP99) {
      clauses.push(`below the bare relay’s own p99 (${fmt(relayP99)})`);
    }
    const mqttP99 = cp.mqttLatencyMs.p99;
    if (mqttP99 !== null && half < mqttP99) {
      clauses.push(
        `below the sample → MQTT subscriber p99 of the same service in the same window ` +
          `(${fmt(mqttP99)}), which every MQTT-fed peer pays before its own hop`,
      );
    }
    reasons.push(clauses.join(', '));
  }
  return reasons.join('; ');
}

/**
 * The 200-client goal.
 * @param {WindowRecord} w
 */
export function fanoutReason(w) {
  return (
    `p50 ${fmt(w.latencyMs.p50)}, p95 ${fmt(w.latencyMs.p95)}, max ${fmt(w.latencyMs.max)}; ` +
    `${w.missing} samples missed (conflated), ${w.disconnects} disconnects; interval error p99 ` +
    `${fmt(w.sampleIntervalDeviationMs.p99)}`
  );
}

/**
 * The reaction goal: late acquisition (the tick itself) or slow processing after it.
 * @param {import('./result-types.mjs').ReactionRecord} r
 */
export function reactionReason(r) {
  const waitMax = r.waitForAcquisitionMs.max;
  const loopMax = r.acquisitionToWriteMs.max;
  if (waitMax !== null && waitMax > r.periodMs) {
    return (
      `the input read that saw the crossing came ${fmt(waitMax)} after it — later than one ` +
      `period (${r.periodMs} ms): a late tick, not slow processing (read → write max ${fmt(loopMax)})`
    );
  }
  return `crossing → read max ${fmt(waitMax)}, read → valve write max ${fmt(loopMax)}`;
}

/**
 * The memory goal: steady use against the transient peaks around start-up and login, and what
 * the resident memory is made of.
 * @param {WindowRecord} cp
 * @param {import('./result-types.mjs').ServiceMemory[]} memory
 */
export function memoryReason(cp, memory) {
  const m = memory.find((x) => x.periodMs === cp.periodMs) ?? memory[0];
  let text = `RSS in the window ${fmt(cp.usage.rssMb, ' MB')}, peak ${fmt(cp.usage.peakRssMb, ' MB')}`;
  const d = cp.memoryDetail;
  if (d) {
    text +=
      ` (at the end: ${fmt(d.rssFileMb, ' MB')} file-backed — the node binary, V8 and ICU code, ` +
      `native addons — and ${fmt(d.rssAnonMb, ' MB')} anonymous` +
      (d.heapTotalMb !== null
        ? `, of which V8 heap ${fmt(d.heapTotalMb, ' MB')} reserved, ${fmt(d.heapUsedMb, ' MB')} ` +
          `used, young generation ${fmt(d.newSpaceMb, ' MB')}`
        : '') +
      `)`;
  }
  if (m) {
    const startGap = m.httpReady.peakRssMb - m.httpReady.rssMb;
    const loginGap = m.afterLogin.peakRssMb - m.afterLogin.rssMb;
    text +=
      `; when the API first answers RSS is ${fmt(m.httpReady.rssMb, ' MB')} ` +
      `(peak ${fmt(m.httpReady.peakRssMb, ' MB')}), after one login ${fmt(m.afterLogin.rssMb, ' MB')} ` +
      `(peak ${fmt(m.afterLogin.peakRssMb, ' MB')})`;
    // Say what the figures show, not a canned cause: steady use plus a transient (peak above
    // RSS: start-up, or the sign-in's password hash, 7 MiB of argon2 memory) or steady use
    // alone (peak ≈ RSS, the process simply holds that much).
    const gap = Math.max(startGap, loginGap);
    text +=
      gap > 3
        ? `: steady use plus a transient of up to ${fmt(gap, ' MB')} around ` +
          (loginGap >= startGap ? 'the login (its password hash)' : 'start-up')
        : `: the peak is steady use, not a transient — the Node process itself (NestJS, clients, ` +
          `buffers, V8 heap headroom) holds that much`;
  }
  return text;
}

/**
 * The storage goal: what the window's bytes and system calls say.
 * @param {import('./result-types.mjs').StorageRecord} s
 */
export function storageReason(s) {
  let text =
    `${formatBytes(s.writeBytes)} written to storage in ${fmt(s.windowS, ' s')} ` +
    `(${formatBytes(s.cancelledWriteBytes)} of it dropped before writeback)`;
  if (s.strace) {
    const c = s.strace.calls;
    text +=
      `; under strace: ${c.fsync} fsync, ${c.fdatasync} fdatasync, ${c.rename} renames, ` +
      `${c.open} file opens, ${c.unlink} unlinks in ${fmt(s.strace.windowS, ' s')}`;
  } else if (s.straceError) {
    text += `; no system call counts (${s.straceError})`;
  }
  return text;
}
