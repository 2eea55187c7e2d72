import { backoffDelayMs, type BackoffPolicy } from '@cryopilot/protocol/backoff';

/** The page's reconnect delays: quick first retries, never more than 5 s. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 5_000 };

/**
 * Delay before reconnect attempt `attempt` (1 = first retry), with the project's backoff
 * (capped exponential, equal jitter): a room full of pages does not reconnect in lock-step
 * after the service restarts.
 */
export function reconnectDelayMs(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  return backoffDelayMs(Math.max(0, attempt - 1), policy, random);
}
