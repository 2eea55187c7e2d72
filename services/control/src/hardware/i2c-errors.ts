/**
 * Helpers for the POSIX-coded errors the `I2cBus` contract uses (`EREMOTEIO`, `EIO`, …).
 * Both bus implementations raise them the way the kernel reports them, so the driver has one
 * classification for real and simulated hardware.
 */

/** Codes that a retry can cure: NAKs, clock-stretching glitches, a busy adapter. */
export const TRANSIENT_I2C_CODES: ReadonlySet<string> = new Set([
  'EREMOTEIO',
  'EIO',
  'ETIMEDOUT',
  'EAGAIN',
  'EBUSY',
]);

/** An `Error` carrying a POSIX `code`, like those thrown by `i2c-bus`. */
export function i2cError(code: string, message: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: ${message}`);
  error.code = code;
  return error;
}

/** The POSIX `code` of an error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** Short text for logs and stats: the code if there is one, else the message. */
export function describeError(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code !== undefined && !message.startsWith(code) ? `${code}: ${message}` : message;
}

/** Largest block one SMBus I2C-block transfer carries (I2C_SMBUS_BLOCK_MAX). */
export const I2C_BLOCK_MAX = 32;

/**
 * Reject block arguments no I2C transfer can carry (a programming error, not a bus error),
 * before anything goes on the wire.
 */
export function assertBlockArgs(address: number, register: number, length: number): void {
  if (!Number.isInteger(address) || address < 0x03 || address > 0x77) {
    throw new RangeError(`I2C address must be 0x03..0x77, got ${address}`);
  }
  if (!Number.isInteger(register) || register < 0 || register > 0xff) {
    throw new RangeError(`register must be 0..255, got ${register}`);
  }
  if (!Number.isInteger(length) || length < 1 || length > I2C_BLOCK_MAX) {
    throw new RangeError(`block length must be 1..${I2C_BLOCK_MAX}, got ${length}`);
  }
  if (register + length > 0x100) {
    throw new RangeError(`block ${register}+${length} runs past register 255`);
  }
}
