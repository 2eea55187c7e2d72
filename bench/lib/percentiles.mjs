// @ts-check
/**
 * Distribution summaries (nearest-rank percentiles). Pure: no I/O, no clock.
 */

/**
 * @typedef {object} Distribution
 * @property {number} count number of values summarised
 * @property {number | null} p50
 * @property {number | null} p95
 * @property {number | null} p99
 * @property {number | null} max
 * @property {number | null} mean
 */

/**
 * Nearest-rank percentile of an ascending array: the smallest value with at least `q` of the
 * values at or below it. Null for an empty array.
 * @param {ArrayLike<number>} sorted ascending
 * @param {number} q 0 < q <= 1
 * @returns {number | null}
 */
export function percentileOfSorted(sorted, q) {
  if (!(q > 0 && q <= 1)) throw new RangeError(`q must be in (0, 1], got ${q}`);
  if (sorted.length === 0) return null;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * p50/p95/p99/max/mean of `values` (any order; non-finite values are rejected, because a NaN
 * latency means a parsing bug that must not be averaged away).
 * @param {ArrayLike<number>} values
 * @returns {Distribution}
 */
export function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) {
    if (!Number.isFinite(v)) throw new RangeError(`non-finite value in distribution: ${v}`);
    sum += v;
  }
  const count = sorted.length;
  return {
    count,
    p50: percentileOfSorted(sorted, 0.5),
    p95: percentileOfSorted(sorted, 0.95),
    p99: percentileOfSorted(sorted, 0.99),
    max: count ? sorted[count - 1] : null,
    mean: count ? sum / count : null,
  };
}

/**
 * Rounds every number of a distribution for reporting (keeps null).
 * @param {Distribution} d
 * @param {number} [digits]
 * @returns {Distribution}
 */
export function roundDistribution(d, digits = 2) {
  /** @param {number | null} v */
  const r = (v) => (v === null ? null : Number(v.toFixed(digits)));
  return {
    count: d.count,
    p50: r(d.p50),
    p95: r(d.p95),
    p99: r(d.p99),
    max: r(d.max),
    mean: r(d.mean),
  };
}
