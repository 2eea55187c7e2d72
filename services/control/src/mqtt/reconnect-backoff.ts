/** Delays between connection attempts. */
export interface BackoffOptions {
  /** First delay after a failure (ms). */
  readonly initialMs: number;
  /** The delay never grows beyond this (ms). */
  readonly maxMs: number;
  /** Random source in [0, 1) (injected so tests are deterministic). */
  readonly random?: () => number;
}

/** Defaults for a broker on the same Pi or LAN: quick first retries, never more than 10 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 10_000 };

/**
 * Capped exponential backoff with jitter ("equal jitter"): the n-th delay is drawn from
 * [d/2, d] with d = min(max, initial · 2ⁿ). The jitter keeps a fleet of devices (or a service
 * and its tools) from hammering a restarted broker in lockstep; the lower half-bound keeps the
 * retry rate itself bounded.
 */
export class ReconnectBackoff {
  private failures = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {
    if (!(options.initialMs > 0) || !(options.maxMs >= options.initialMs)) {
      throw new RangeError('backoff needs 0 < initialMs <= maxMs');
    }
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  nextDelayMs(): number {
    const exponent = Math.min(this.failures, 30);
    const ceiling = Math.min(this.options.maxMs, this.options.initialMs * 2 ** exponent);
    this.failures += 1;
    return Math.round(ceiling / 2 + (ceiling / 2) * this.random());
  }

  /** After a successful connection, start again from the shortest delay. */
  reset(): void {
    this.failures = 0;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }
}
