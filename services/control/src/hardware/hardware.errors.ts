/** Why a hardware operation failed; mapped to health, alarms and logs in one place. */
export enum HardwareErrorCode {
  /** Bus error that persisted through all retries. */
  BUS_ERROR = 'BUS_ERROR',
  /** No card answers at the address, or it does not look like a megaind. */
  NOT_DETECTED = 'NOT_DETECTED',
  /** A value outside what the card accepts was asked for (a programming error upstream). */
  OUT_OF_RANGE = 'OUT_OF_RANGE',
  /** An output did not read back as written. */
  VERIFY_FAILED = 'VERIFY_FAILED',
  /** The bus is not open. */
  BUS_CLOSED = 'BUS_CLOSED',
}

export class HardwareError extends Error {
  constructor(
    readonly code: HardwareErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HardwareError';
  }
}
