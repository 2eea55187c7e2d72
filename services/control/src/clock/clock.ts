/**
 * Two clocks, because the simulator can run time faster than real time:
 * - `mono`: monotonic milliseconds for every timer (warm-up, fill timeout, on-delays, manual
 *   open). Runs `speed` times faster than real time when a time-scale factor is set.
 * - `wall`: epoch milliseconds for timestamps that leave the process (always real time).
 */
export interface Instant {
  readonly mono: number;
  readonly wall: number;
}

/** Source of time for everything that measures durations. Tests use `ManualClock`. */
export abstract class Clock {
  abstract now(): Instant;
  monoMs(): number {
    return this.now().mono;
  }
  wallMs(): number {
    return this.now().wall;
  }
}

/** Real time, optionally accelerated by `speed` for the monotonic clock (simulator only). */
export class SystemClock extends Clock {
  private readonly origin = performance.now();

  constructor(private readonly speed = 1) {
    super();
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError('speed must be > 0');
  }

  now(): Instant {
    return { mono: (performance.now() - this.origin) * this.speed, wall: Date.now() };
  }
}
