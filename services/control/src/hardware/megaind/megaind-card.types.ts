/** Options of `MegaindCard`. */
export interface MegaindCardOptions {
  /** Stack level set with the ID jumpers, 0..7 (address 0x50 + stack). */
  stack: number;
  /** Retries of a transient bus error per transaction (default 3). */
  maxRetries?: number;
  /** First back-off delay in ms; retry n waits retryBaseMs·2^n (default 2). */
  retryBaseMs?: number;
}

/** Firmware version read from registers 120/121. */
export interface MegaindFirmware {
  major: number;
  minor: number;
  /** As the CLI prints it: "04.11". */
  text: string;
}

/** Board diagnostics (registers 114..118). */
export interface MegaindDiagnostics {
  /** Card CPU temperature, °C. */
  cpuTempC: number;
  /** Input supply voltage (12-24 V nominal), V. */
  supplyV: number;
  /** Raspberry Pi 5 V rail, V. */
  pi5vV: number;
}

/** Bus health counters, for the health endpoint and the `hardware_fault` alarm. */
export interface MegaindStats {
  /** Transactions asked for (a retried one counts once). */
  transactions: number;
  /** Retries after transient errors. */
  retries: number;
  /** Transactions that failed for good (permanent error or retries exhausted). */
  failures: number;
  /** Last bus error seen, retried or not; null if none yet. */
  lastError: string | null;
}

/** The four 4-20 mA inputs, mA, channel 1 first. */
export type CurrentInputs = [number, number, number, number];

/** Waits `ms` milliseconds; injected so tests of the retry back-off need no real time. */
export type Sleep = (ms: number) => Promise<void>;
