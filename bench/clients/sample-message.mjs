// @ts-check
/**
 * What the clients take from a received message: its sample number and acquisition time.
 * CryoPilot's gateway sends `{type:"sample", seq, ts, ...}` among other message types; the peers
 * forward the MQTT telemetry `{seq, ts, ...}` unchanged. Pure.
 */

/**
 * @typedef {object} SampleStamp
 * @property {number} seq
 * @property {number} tsMs acquisition time, epoch ms (the ISO `ts`, 1 ms resolution)
 */

/**
 * The stamp of a sample message, or null for another kind of message (snapshot, alarm, …).
 * @param {string} text one WebSocket or MQTT message
 * @returns {SampleStamp | null}
 * @throws {Error} for a sample without a usable seq or ts (a contract break, not noise)
 */
export function sampleStamp(text) {
  const message = /** @type {unknown} */ (JSON.parse(text));
  if (!message || typeof message !== 'object')
    throw new Error(`not a JSON object: ${text.slice(0, 80)}`);
  const { type, seq, ts } = /** @type {{ type?: unknown, seq?: unknown, ts?: unknown }} */ (
    message
  );
  if (type !== undefined && type !== 'sample') return null;
  const tsMs = typeof ts === 'string' ? Date.parse(ts) : NaN;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || !Number.isFinite(tsMs)) {
    throw new Error(`sample without integer seq and ISO ts: ${text.slice(0, 120)}`);
  }
  return { seq, tsMs };
}

/**
 * Samples a client did not get within the seq range the whole group saw (lost or conflated).
 * @param {Iterable<number>} clientSeqs seqs one client received
 * @param {number} firstSeq lowest seq seen by any client in the window
 * @param {number} lastSeq highest seq seen by any client in the window
 * @returns {number}
 */
export function missingSamples(clientSeqs, firstSeq, lastSeq) {
  const seen = new Set();
  for (const seq of clientSeqs) if (seq >= firstSeq && seq <= lastSeq) seen.add(seq);
  return Math.max(0, lastSeq - firstSeq + 1 - seen.size);
}

/**
 * Samples the clients of one window did not get. The window starts and stops for all clients
 * at one instant, which can fall in the middle of one sample's fan-out, so a sample at either
 * edge may reach only some of them while recording: only the seq range every client recorded
 * counts. A client that recorded nothing missed the whole range the others saw.
 * @param {number[][]} seqsPerClient
 * @returns {number}
 */
export function missingAcrossClients(seqsPerClient) {
  const ranges = seqsPerClient
    .filter((seqs) => seqs.length > 0)
    .map((seqs) => [Math.min(...seqs), Math.max(...seqs)]);
  if (ranges.length === 0) return 0;
  const first = Math.max(...ranges.map(([lo]) => lo));
  const last = Math.min(...ranges.map(([, hi]) => hi));
  const union = Math.max(...ranges.map(([, hi]) => hi)) - Math.min(...ranges.map(([lo]) => lo)) + 1;
  return seqsPerClient.reduce(
    (sum, seqs) => sum + (seqs.length === 0 ? union : missingSamples(seqs, first, last)),
    0,
  );
}

/**
 * Deviation of the interval between consecutive samples from the period, ms: how irregular the
 * acquisition was (1 ms resolution of `ts`). Pairs with a gap in seq are skipped.
 * @param {{ seq: number, tsMs: number }[]} stamps in arrival order
 * @param {number} periodMs
 * @returns {number[]}
 */
export function intervalDeviations(stamps, periodMs) {
  const sorted = [...stamps].sort((a, b) => a.seq - b.seq);
  /** @type {number[]} */
  const deviations = [];
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].seq !== sorted[i - 1].seq + 1) continue;
    deviations.push(Math.abs(sorted[i].tsMs - sorted[i - 1].tsMs - periodMs));
  }
  return deviations;
}
