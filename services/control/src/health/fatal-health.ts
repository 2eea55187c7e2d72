/** What the watch looks at, once a second. */
export interface HealthSample {
  /** The last tick read and wrote the card. */
  readonly hardwareOk: boolean;
  /** Monotonic time of the last completed tick; null before the first. */
  readonly lastTickMono: number | null;
  readonly nowMono: number;
}

/**
 * Decides when health is lost for good (pure): the card unreachable, or no completed tick,
 * continuously for `limitMs`. A loop that keeps failing already exits on its own
 * (`maxConsecutiveFailures`); this covers the cases where the loop stays alive but useless —
 * a card gone, a bus stuck — which a restart (new bus handle, card detection) may cure.
 * Compose never restarts an unhealthy container, so the process has to exit by itself.
 */
export class FatalHealthJudge {
  private unhealthySince: number | null = null;

  constructor(private readonly limitMs: number) {}

  /** The reason to exit, or null while health is fine or not lost for long enough. */
  check(sample: HealthSample, tickPeriodMs: number): string | null {
    const stalled =
      sample.lastTickMono !== null &&
      sample.nowMono - sample.lastTickMono > tickPeriodMs * 3 + 1000;
    const healthy = sample.hardwareOk && !stalled;
    if (healthy) {
      this.unhealthySince = null;
      return null;
    }
    this.unhealthySince ??= sample.nowMono;
    const lostForMs = sample.nowMono - this.unhealthySince;
    if (lostForMs < this.limitMs) return null;
    const what = stalled ? 'the control loop has not ticked' : 'the I/O card has not answered';
    return `${what} for ${Math.round(lostForMs / 1000)} s`;
  }
}
