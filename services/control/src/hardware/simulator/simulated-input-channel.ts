import { InputFault, SimulatedInput } from './simulated-megaind.types';
import { PlantModel } from './plant-model';

/** What an O2 transmitter outputs while warming up: looks like 20.9 % on a 0-25 % range. */
export const WARMUP_OUTPUT_MA = 17.4;
/** A real transmitter saturates here instead of following the process further (NAMUR NE43). */
export const SATURATION_LOW_MA = 3.8;
export const SATURATION_HIGH_MA = 20.5;
/** Output of the over-range fault: beyond 21 mA, an NE43 failure signal. */
export const OVER_RANGE_FAULT_MA = 22;

/**
 * One HAT 4-20 mA input and what is wired to it: the transmitter (if any), its warm-up and
 * the injected loop fault. Produces the µA the card's ADC would see.
 */
export class SimulatedInputChannel {
  private fault: InputFault = 'none';
  private stuckMicroamps = 0;
  private warmupStartMs: number;
  private injectedMicroamps: number | null = null;

  /** @param wiring the transmitter, or null for an unconnected input. */
  constructor(
    readonly wiring: SimulatedInput | null,
    startMs: number,
  ) {
    this.warmupStartMs = startMs;
  }

  /** The injected fault. */
  get currentFault(): InputFault {
    return this.fault;
  }

  /** Loop current now, µA (int16 range). */
  microamps(plant: PlantModel, nowMs: number): number {
    if (this.injectedMicroamps !== null) return this.injectedMicroamps;
    switch (this.fault) {
      case 'open-circuit':
        return 0;
      case 'over-range':
        return OVER_RANGE_FAULT_MA * 1000;
      case 'stuck':
        return this.stuckMicroamps;
      case 'none':
        return this.transmitterMicroamps(plant, nowMs);
    }
  }

  /**
   * Inject a loop fault. A stuck output freezes at the current value; repairing an open circuit
   * powers the transmitter up again, so its warm-up restarts.
   */
  setFault(fault: InputFault, plant: PlantModel, nowMs: number): void {
    if (fault === 'stuck') this.stuckMicroamps = this.microamps(plant, nowMs);
    if (this.fault === 'open-circuit' && fault !== 'open-circuit') this.warmupStartMs = nowMs;
    this.fault = fault;
  }

  /**
   * Replace the transmitter by a loop calibrator sourcing `mA` (any int16 µA value, also
   * negative, as a calibrated card can report); null removes it.
   */
  inject(mA: number | null): void {
    if (mA === null) {
      this.injectedMicroamps = null;
      return;
    }
    const microamps = Math.round(mA * 1000);
    if (!Number.isFinite(mA) || microamps < -32768 || microamps > 32767) {
      throw new RangeError(`injected current must be -32.768..32.767 mA, got ${mA}`);
    }
    this.injectedMicroamps = microamps;
  }

  private transmitterMicroamps(plant: PlantModel, nowMs: number): number {
    const wiring = this.wiring;
    if (wiring === null) return 0;
    if (wiring.signal === 'o2' && nowMs - this.warmupStartMs < wiring.warmupS * 1000) {
      return WARMUP_OUTPUT_MA * 1000;
    }
    const value = wiring.signal === 'o2' ? plant.o2Pct(wiring.sensorIndex ?? 0) : plant.levelPct;
    const { min, max } = wiring.range;
    const mA = 4 + (16 * (value - min)) / (max - min);
    return Math.round(Math.min(SATURATION_HIGH_MA, Math.max(SATURATION_LOW_MA, mA)) * 1000);
  }
}
