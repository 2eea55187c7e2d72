/** How retry delays grow: from `initialMs`, doubling, never beyond `maxMs`. */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /**
   * `equal` (the default): the delay is drawn from [d/2, d] — peers that failed together
   * (pages after a service restart, Pis after a broker restart) spread out, while the retry
   * rate stays bounded and the cap is never exceeded. `none`: exactly d (a local bus with one
   * master has nobody to collide with, and tests read exact delays).
   */
  readonly jitter?: 'equal' | 'none';
}

/**
 * The delay before retry number `retry` (0 = the first retry after the first failure):
 * d = min(maxMs, initialMs · 2^retry), jittered per the policy. The one backoff of the project:
 * MQTT reconnects, telemetry writes, I2C transaction retries and the page's reconnects.
 *
 * @param random a source in [0, 1); injected so tests are deterministic.
 * @throws RangeError for a policy with initialMs < 0 or maxMs < initialMs, or a negative retry.
 */
export function backoffDelayMs(
  retry: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  if (!(policy.initialMs >= 0) || !(policy.maxMs >= policy.initialMs)) {
    throw new RangeError('backoff needs 0 <= initialMs <= maxMs');
  }
  if (!(retry >= 0)) throw new RangeError(`retry must be >= 0, got ${retry}`);
  // 2^31 · initialMs is beyond any cap: stop growing the exponent there.
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(retry, 31));
  if (policy.jitter === 'none') return ceiling;
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
