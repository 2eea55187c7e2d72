// @ts-check
/**
 * Sub-millisecond wall-clock time on the same clock as the service's `Date.now()`.
 *
 * `Date.now()` has 1 ms resolution; `performance.timeOrigin + performance.now()` has µs
 * resolution but follows the monotonic clock, which may drift from the real-time clock that
 * stamps the samples (NTP slewing). So the fine clock is anchored to `Date.now()` before and
 * after each measurement window (never inside one: anchoring busy-waits a few ms, which would
 * delay the messages being timed): over a few ms of reads, the largest `Date.now() − fine` is
 * the offset that puts the fine clock on the real-time clock (Date.now() is its floor).
 */

const CALIBRATION_SPAN_MS = 3;

let offsetMs = 0;
let calibratedAt = -Infinity;
/** Largest correction applied by a re-anchoring, for the report (ms). */
let largestCorrectionMs = 0;

/**
 * Re-anchors the fine clock to Date.now(); busy-waits CALIBRATION_SPAN_MS once.
 * @returns {number} how far the anchor moved since the previous one (ms; 0 the first time)
 */
export function calibrateWallClock() {
  const start = performance.now();
  let best = -Infinity;
  while (performance.now() - start < CALIBRATION_SPAN_MS) {
    const fine = performance.timeOrigin + performance.now();
    best = Math.max(best, Date.now() - fine);
  }
  const step = calibratedAt === -Infinity ? 0 : Math.abs(best - offsetMs);
  largestCorrectionMs = Math.max(largestCorrectionMs, step);
  offsetMs = best;
  calibratedAt = performance.now();
  return step;
}

/**
 * Epoch milliseconds with µs resolution, on the real-time clock as of the last anchoring.
 * @returns {number}
 */
export function wallNowMs() {
  if (calibratedAt === -Infinity) calibrateWallClock();
  return performance.timeOrigin + performance.now() + offsetMs;
}

/** The largest re-anchoring step seen (ms): how far the two clocks drifted within a window. */
export function wallClockDriftMs() {
  return largestCorrectionMs;
}
