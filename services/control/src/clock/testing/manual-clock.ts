import { Clock, Instant } from '../clock';

/** A clock that moves only when told to: deterministic tests of timers and closed loops. */
export class ManualClock extends Clock {
  private mono = 0;

  constructor(private wallOrigin = Date.UTC(2026, 0, 1)) {
    super();
  }

  now(): Instant {
    return { mono: this.mono, wall: this.wallOrigin + this.mono };
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError('time only moves forward');
    this.mono += ms;
  }

  /** The wall clock jumps (NTP correction, a wrong RTC after a power cut); mono does not. */
  jumpWall(ms: number): void {
    this.wallOrigin += ms;
  }
}
