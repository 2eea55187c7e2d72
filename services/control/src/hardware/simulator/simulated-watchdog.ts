import { WATCHDOG_DISABLE_PERIOD_S } from '../megaind/megaind.registers';
import { WatchdogState } from './simulated-megaind.types';

/**
 * Power-up values of the emulation. The real card's defaults are undocumented (docs/hardware.md §3,
 * §4 question 2); these are placeholders, and the service sets all three explicitly anyway.
 */
export const SIM_WATCHDOG_DEFAULTS = Object.freeze({
  periodS: 120,
  initialPeriodS: 300,
  offTimeS: 10,
});

/**
 * The card's hardware watchdog, faithful to its one surprising trait: once enabled, ANY
 * transaction at the card address counts as a reload (docs/hardware.md §3, megaind #30).
 * Trips are evaluated lazily (on each transaction and on `state`). The emulation does not
 * power-cycle anything: it counts one trip per silence longer than the period and keeps going.
 */
export class SimulatedWatchdog {
  private armed = false;
  private periodS: number = SIM_WATCHDOG_DEFAULTS.periodS;
  private initialPeriodS: number = SIM_WATCHDOG_DEFAULTS.initialPeriodS;
  private offTimeS: number = SIM_WATCHDOG_DEFAULTS.offTimeS;
  private resetCountValue = 0;
  private trips = 0;
  private lastSeenMs: number;
  /** Whether the current silence has already been counted as a trip. */
  private trippedThisSilence = false;

  constructor(startMs: number) {
    this.lastSeenMs = startMs;
  }

  /** Armed and not disabled by the 65000 s period. */
  get enabled(): boolean {
    return this.armed && this.periodS !== WATCHDOG_DISABLE_PERIOD_S;
  }

  /** Register views (s / count), as the card reports them at 86, 90, 92 and 99. */
  get registers(): {
    periodS: number;
    initialPeriodS: number;
    resetCount: number;
    offTimeS: number;
  } {
    const { periodS, initialPeriodS, offTimeS } = this;
    return { periodS, initialPeriodS, offTimeS, resetCount: this.resetCountValue };
  }

  /** A transaction reached the card: count a trip the silence before it caused, then reload. */
  touch(nowMs: number): void {
    this.evaluate(nowMs);
    this.lastSeenMs = nowMs;
    this.trippedThisSilence = false;
  }

  /** The reload key was written: enables the watchdog (the transaction itself reloads it). */
  reload(nowMs: number): void {
    this.armed = true;
    this.lastSeenMs = nowMs;
  }

  /** Period written at 84; 65000 disables. Stored as written, like plain registers. */
  setPeriod(seconds: number): void {
    this.periodS = seconds;
  }

  setInitialPeriod(seconds: number): void {
    this.initialPeriodS = seconds;
  }

  setOffTime(seconds: number): void {
    this.offTimeS = seconds;
  }

  clearResetCount(): void {
    this.resetCountValue = 0;
  }

  /** State as of `nowMs` (evaluates a pending trip first). */
  state(nowMs: number): WatchdogState {
    this.evaluate(nowMs);
    return { enabled: this.enabled, periodS: this.periodS, trips: this.trips };
  }

  private evaluate(nowMs: number): void {
    if (!this.enabled || this.trippedThisSilence) return;
    if (nowMs - this.lastSeenMs > this.periodS * 1000) {
      this.trips++;
      this.resetCountValue = (this.resetCountValue + 1) & 0xffff;
      this.trippedThisSilence = true;
    }
  }
}
