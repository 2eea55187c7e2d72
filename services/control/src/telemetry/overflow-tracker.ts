/** Alarm raised when the telemetry outbox reached its bound and dropped its oldest lines. */
export const OVERFLOW_ALARM_ID = 'telemetry_outbox_overflow';

/**
 * The raw condition of `telemetry_outbox_overflow` (pure): on from the first dropped line
 * until the backlog has been delivered. The alarm book adds acknowledgement, so a loss that
 * is over before anyone looked still waits as `cleared-unacked`.
 */
export class OverflowTracker {
  private condition = false;
  private reported = false;

  /** The outbox dropped `count` lines at its bound. */
  dropped(count: number): void {
    if (count > 0) this.condition = true;
  }

  /** Returns the condition when it changed since the last call, else null. */
  update(caughtUp: boolean): boolean | null {
    if (this.condition && caughtUp) this.condition = false;
    if (this.condition === this.reported) return null;
    this.reported = this.condition;
    return this.condition;
  }
}
