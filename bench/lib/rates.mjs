// @ts-check
/**
 * Window totals scaled to the rates the issue states (per day, per minute, per hour, per
 * sample). A window is short (one or two minutes): the scaling assumes the same activity all
 * day, which holds for the steady traffic measured, not for rare events (log rotation, a
 * reconnect, a backup). Pure.
 */

const SECONDS_PER_DAY = 86_400;

/**
 * Bytes per day at the rate seen over `windowS`.
 * @param {number} bytes
 * @param {number} windowS
 */
export function perDay(bytes, windowS) {
  if (!(windowS > 0)) throw new Error(`window must be positive, got ${windowS}`);
  return (bytes * SECONDS_PER_DAY) / windowS;
}

/**
 * Events per minute at the rate seen over `windowS`.
 * @param {number} count
 * @param {number} windowS
 */
export function perMinute(count, windowS) {
  if (!(windowS > 0)) throw new Error(`window must be positive, got ${windowS}`);
  return (count * 60) / windowS;
}

/**
 * CPU cost of a window: seconds of CPU per hour of running, and milliseconds of CPU per sample
 * handled (null without samples).
 * @param {{ cpuS: number, windowS: number, samples: number }} window
 * @returns {{ cpuSPerHour: number, cpuMsPerSample: number | null }}
 */
export function cpuCost({ cpuS, windowS, samples }) {
  if (!(windowS > 0)) throw new Error(`window must be positive, got ${windowS}`);
  return {
    cpuSPerHour: Number(((cpuS * 3600) / windowS).toFixed(1)),
    cpuMsPerSample: samples > 0 ? Number(((cpuS * 1000) / samples).toFixed(3)) : null,
  };
}

/**
 * Bytes in decimal units, the way storage is sold and the issue counts it (20 MB = 20·10⁶ B).
 * @param {number | null | undefined} bytes
 */
export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return 'n/a';
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${units[unit]}`;
}
