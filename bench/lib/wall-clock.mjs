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
/** Two reads this close around a millisecond edge pin the offset to within that much. */
const TIGHT_EDGE_MS = 0.02;
/** On a loaded machine the reads get preempted: sample on, up to this long, for tight edges. */
const CALIBRATION_MAX_MS = 100;

let offsetMs = 0;
let calibratedAt = -Infinity;
/** Largest correction applied by a re-anchoring, for the report (ms). */
let largestCorrectionMs = 0;

/**
 * Re-anchors the fine clock to Date.now(); busy-waits CALIBRATION_SPAN_MS, longer (up to
 * CALIBRATION_MAX_MS) until it has seen two millisecond edges between reads less than
 * TIGHT_EDGE_MS apart: the largest `Date.now() − fine` comes right after an edge, and a read
 * delayed there (the process preempted) would leave the estimate short.
 * @returns {number} how far the anchor moved since the previous one (ms; 0 the first time)
 */
export function calibrateWallClock() {
  const start = performance.now();
  let best = -Infinity;
  let tightEdges = 0;
  let previousMs = Date.now();
  let previousAt = start;
  for (;;) {
    // Date.now() read between two fine reads: against the later one the difference never
    // exceeds the true offset, however long the process was preempted in between.
    const nowMs = Date.now();
    const at = performance.now();
    best = Math.max(best, nowMs - (performance.timeOrigin + at));
    if (nowMs !== previousMs && at - previousAt < TIGHT_EDGE_MS) tightEdges += 1;
    previousMs = nowMs;
    previousAt = at;
    const elapsed = at - start;
    if ((elapsed >= CALIBRATION_SPAN_MS && tightEdges >= 2) || elapsed >= CALIBRATION_MAX_MS) {
      break;
    }
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
