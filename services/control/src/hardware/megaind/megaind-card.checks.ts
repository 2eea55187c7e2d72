import { HardwareError, HardwareErrorCode } from '../hardware.errors';
import { MEGAIND_CHANNEL_COUNT } from './megaind.registers';

/**
 * Argument checks of `MegaindCard`: out-of-range values are rejected with OUT_OF_RANGE before
 * anything goes on the bus (never clamped: a bad value is a bug upstream).
 */

/** @throws HardwareError OUT_OF_RANGE unless `channel` is an integer 1..4. */
export function requireChannel(channel: number): void {
  if (!Number.isInteger(channel) || channel < 1 || channel > MEGAIND_CHANNEL_COUNT) {
    throw new HardwareError(
      HardwareErrorCode.OUT_OF_RANGE,
      `channel must be 1..${MEGAIND_CHANNEL_COUNT}, got ${channel}`,
    );
  }
}

/** @throws HardwareError OUT_OF_RANGE unless `value` is finite in min..max (and an integer). */
export function requireRange(
  what: string,
  value: number,
  min: number,
  max: number,
  integer = false,
): void {
  const inRange = Number.isFinite(value) && value >= min && value <= max;
  if (!inRange || (integer && !Number.isInteger(value))) {
    throw new HardwareError(
      HardwareErrorCode.OUT_OF_RANGE,
      `${what} must be ${integer ? 'an integer ' : ''}${min}..${max}, got ${value}`,
    );
  }
}

/** @throws HardwareError OUT_OF_RANGE unless `value` is a boolean (JS callers, bad JSON). */
export function requireBoolean(what: string, value: unknown): void {
  if (typeof value !== 'boolean') {
    throw new HardwareError(
      HardwareErrorCode.OUT_OF_RANGE,
      `${what} must be true or false, got ${String(value)}`,
    );
  }
}

/** The error of an output that does not read back as written. */
export function verifyFailed(what: string, expected: unknown, actual: unknown): HardwareError {
  return new HardwareError(
    HardwareErrorCode.VERIFY_FAILED,
    `${what} reads back ${String(actual)} after writing ${String(expected)}`,
  );
}
