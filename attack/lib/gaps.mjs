// @ts-check

/**
 * Tick timing seen from outside: every sample carries its `seq` and the time the loop stamped
 * it (`ts`). Two consecutive samples (seq n, n+1) are one period apart when all is well; a
 * longer gap is a late tick start or a long tick before it (control was not evaluated in
 * between either way). The loop's own figure (`/api/diagnostics` → `jitterMs`) counts the
 * start lateness alone. Pure.
 */

/**
 * @typedef {object} Sample
 * @property {number} seq
 * @property {number} tsMs the sample's own timestamp (ms since epoch)
 * @property {boolean} valveOpen
 */

/**
 * @typedef {object} GapFigures
 * @property {number} samples samples in the window
 * @property {number} missing seq numbers not seen between the first and the last
 * @property {number} maxGapMs longest time between two consecutive samples
 * @property {number} lateTicks consecutive pairs more than `lateThresholdMs` past the period
 * @property {number} valveOpenSamples samples showing the valve open
 */

/**
 * @param {Sample[]} samples in arrival order
 * @param {number} periodMs
 * @param {number} [lateThresholdMs]
 * @returns {GapFigures}
 */
export function gapFigures(samples, periodMs, lateThresholdMs = 50) {
  const sorted = [...samples].sort((a, b) => a.seq - b.seq);
  let maxGapMs = 0;
  let lateTicks = 0;
  let missing = 0;
  for (let i = 1; i < sorted.length; i++) {
    const step = sorted[i].seq - sorted[i - 1].seq;
    if (step === 0) continue; // a duplicate (QoS 1 redelivery)
    if (step > 1) {
      missing += step - 1;
      continue;
    }
    const gap = sorted[i].tsMs - sorted[i - 1].tsMs;
    maxGapMs = Math.max(maxGapMs, gap);
    if (gap > periodMs + lateThresholdMs) lateTicks += 1;
  }
  return {
    samples: sorted.length,
    missing,
    maxGapMs: Math.round(maxGapMs),
    lateTicks,
    valveOpenSamples: sorted.filter((s) => s.valveOpen).length,
  };
}
