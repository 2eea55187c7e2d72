// @ts-check
/**
 * Loss and latency accounting of the fleet load run. Pure: no I/O, no clock (times are given).
 */
import { summarize } from '../lib/percentiles.mjs';

/**
 * What each simulated device sent and what the central subscriber received, by sequence
 * number: a message counts once however often it arrives (QoS 1 may deliver twice), a seq that
 * was never sent is counted apart (it would mean a mixed-up topic or payload).
 */
export class DeliveryLedger {
  constructor() {
    /** @private @type {Map<string, Set<number>>} */
    this.sent = new Map();
    /** @private @type {Map<string, Set<number>>} */
    this.received = new Map();
    /** @private @type {number[]} */
    this.latencies = [];
    /** @private */
    this.duplicates = 0;
    /** @private */
    this.unexpected = 0;
  }

  /** @param {string} device @param {number} seq */
  recordSent(device, seq) {
    let seqs = this.sent.get(device);
    if (!seqs) this.sent.set(device, (seqs = new Set()));
    seqs.add(seq);
  }

  /**
   * @param {string} device
   * @param {number} seq
   * @param {number} latencyMs arrival time minus the sample's `ts`
   */
  recordReceived(device, seq, latencyMs) {
    if (!this.sent.get(device)?.has(seq)) {
      this.unexpected += 1;
      return;
    }
    let seqs = this.received.get(device);
    if (!seqs) this.received.set(device, (seqs = new Set()));
    if (seqs.has(seq)) {
      this.duplicates += 1;
      return;
    }
    seqs.add(seq);
    this.latencies.push(latencyMs);
  }

  /** Whether every sent message has arrived. */
  get complete() {
    return this.totals().lost === 0;
  }

  /** @private */
  totals() {
    let sent = 0;
    let received = 0;
    for (const seqs of this.sent.values()) sent += seqs.size;
    for (const seqs of this.received.values()) received += seqs.size;
    return { sent, received, lost: sent - received };
  }

  /** Counts, loss and the latency distribution (ms) of first arrivals. */
  summary() {
    const { sent, received, lost } = this.totals();
    let devicesWithLoss = 0;
    for (const [device, seqs] of this.sent) {
      if ((this.received.get(device)?.size ?? 0) < seqs.size) devicesWithLoss += 1;
    }
    return {
      devices: this.sent.size,
      sent,
      received,
      lost,
      lossPct: sent === 0 ? 0 : Number(((100 * lost) / sent).toFixed(3)),
      devicesWithLoss,
      duplicates: this.duplicates,
      unexpected: this.unexpected,
      latencyMs: summarize(this.latencies),
    };
  }
}

/**
 * Devices split over `edges` edge brokers as evenly as possible (device i → edge i mod edges).
 * @param {number} devices
 * @param {number} edges
 * @returns {number[]} edge index of each device
 */
export function assignEdges(devices, edges) {
  if (!(Number.isInteger(edges) && edges >= 1)) throw new RangeError(`edges: ${edges}`);
  return Array.from({ length: devices }, (_, i) => i % edges);
}

/**
 * The contract's telemetry payload (docs/interfaces.md, MQTT `…/telemetry`) for sample `seq`.
 * @param {number} seq
 * @param {number} nowMs
 */
export function telemetryPayload(seq, nowMs) {
  const o2 = 20.9 - (seq % 7) * 0.01;
  const level = 40 + (seq % 50) * 0.5;
  return {
    seq,
    ts: new Date(nowMs).toISOString(),
    channels: { o2_1: o2, o2_2: o2 - 0.05, ln2_level: level },
    quality: { o2_1: 'good', o2_2: 'good', ln2_level: 'good' },
    valve: { open: false, output: 0 },
  };
}

/**
 * The service's InfluxDB lines of one sample (measurement `channel`, docs/interfaces.md).
 * @param {string} device
 * @param {ReturnType<typeof telemetryPayload>} sample
 */
export function channelLines(device, sample) {
  const ns = `${Date.parse(sample.ts)}000000`;
  const units = /** @type {const} */ ({ o2_1: '%vol', o2_2: '%vol', ln2_level: '%' });
  return Object.entries(sample.channels).map(
    ([channel, value]) =>
      `channel,device=${device},channel=${channel},unit=${units[/** @type {keyof typeof units} */ (channel)]} ` +
      `value=${value},quality="good",seq=${sample.seq}i ${ns}`,
  );
}
