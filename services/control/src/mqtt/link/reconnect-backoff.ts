import { backoffDelayMs, BackoffPolicy } from '@cryopilot/protocol';

/** Delays between connection attempts. */
export interface BackoffOptions extends BackoffPolicy {
  /** Random source in [0, 1) (injected so tests are deterministic). */
  readonly random?: () => number;
}

/** Defaults for a broker on the same Pi or LAN: quick first retries, never more than 10 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 10_000 };

/**
 * The project's backoff (`backoffDelayMs`: capped exponential, equal jitter) with its failure
 * count: each `nextDelayMs` counts one more failure, `reset` starts again after a session that
 * lasted.
 */
export class ReconnectBackoff {
  private failures = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {
    if (!(options.initialMs > 0)) throw new RangeError('backoff needs 0 < initialMs <= maxMs');
    backoffDelayMs(0, options); // validates the rest
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  nextDelayMs(): number {
    return backoffDelayMs(this.failures++, this.options, this.random);
  }

  /** After a successful connection, start again from the shortest delay. */
  reset(): void {
    this.failures = 0;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }
}
