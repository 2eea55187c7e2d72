// @ts-check
/** Number formatting for goals and reports. Pure. */

/** @param {number} v */
export const round = (v) =>
  Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);

/**
 * A value with its unit, or `n/a`.
 * @param {number | null | undefined} v
 * @param {string} [unit]
 */
export const fmt = (v, unit = ' ms') =>
  v === null || v === undefined ? 'n/a' : `${round(v)}${unit}`;

/**
 * How far `value` is above `limit`, absolute and relative.
 * @param {number} value
 * @param {number} limit
 * @param {string} unit
 */
export const over = (value, limit, unit) =>
  `${round(value - limit)}${unit} (+${((100 * (value - limit)) / limit).toFixed(0)} %)`;
