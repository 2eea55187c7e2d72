/** Reconnect delays: exponential from `baseMs`, capped at `maxMs`, with ±20 % jitter. */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 5_000 };

/**
 * Delay before reconnect attempt `attempt` (1 = first retry). The jitter keeps a room full of
 * pages from reconnecting in lock-step after the service restarts.
 */
export function reconnectDelayMs(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exponential = policy.baseMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.maxMs, exponential);
  return Math.round(capped * (0.8 + 0.4 * random()));
}
