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
  private originReal = performance.now();
  private originMono = 0;

  constructor(private speed = 1) {
    super();
    checkSpeed(speed);
  }

  get timeScale(): number {
    return this.speed;
  }

  now(): Instant {
    return {
      mono: this.originMono + (performance.now() - this.originReal) * this.speed,
      wall: Date.now(),
    };
  }

  /** Changes the time-scale factor from now on; mono time stays continuous. */
  setSpeed(speed: number): void {
    checkSpeed(speed);
    this.originMono = this.now().mono;
    this.originReal = performance.now();
    this.speed = speed;
  }
}

function checkSpeed(speed: number): void {
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError('speed must be a number > 0');
}
