import { Clock } from '../../clock/clock';
import { ValveOutputConfig } from '../valve-output.config';
import { PlantParams } from './plant-params';

/** A HAT 4-20 mA input, 1..4. */
export type InputNumber = 1 | 2 | 3 | 4;

/** What transmitter is wired to which HAT input. */
export interface SimulatedInput {
  input: InputNumber;
  /** What the transmitter measures: O2 at a sensor, or the LN2 level. */
  signal: 'o2' | 'level';
  /** O2 only: which sensor position in the room (default 0); ignored for level. */
  sensorIndex?: 0 | 1;
  /** Engineering value at 4 mA (min) and at 20 mA (max). */
  range: { min: number; max: number };
  /**
   * Seconds after power-up (and after an open circuit is repaired) during which an O2
   * transmitter outputs a constant 17.4 mA. Ignored for level: level transmitters have no
   * warm-up in the emulation (the signal layer may still treat the first seconds as warm-up).
   */
  warmupS: number;
}

/** Options of `SimulatedMegaind`. */
export interface SimulatedMegaindOptions {
  /** Time source; the plant advances by its mono time between transactions. */
  clock: Clock;
  /** Stack level the emulated card answers at (0..7 → 0x50..0x57). */
  stack: number;
  /** Wired inputs; inputs not listed read 0 µA (disconnected). */
  inputs: SimulatedInput[];
  /** The valve output, decoded from the card's own output registers to drive the plant. */
  valve: ValveOutputConfig;
  /** Plant parameters (defaults in `DEFAULT_PLANT_PARAMS`). */
  plant?: Partial<PlantParams>;
  /** Firmware version at 120/121 (default 4.11); 0..255 each, so implausible ones can be tested. */
  firmware?: { major: number; minor: number };
}

/** Fault of a transmitter loop. */
export type InputFault = 'none' | 'open-circuit' | 'over-range' | 'stuck';

/**
 * Whole-card faults. `bus-hang`: a transaction never completes (SDA held low, endless clock
 * stretching): the driver's promise never settles. `bus-block`: a transaction blocks the
 * calling thread for good (a driver spinning in the kernel): the event loop stops.
 * `input-read-error`: reads of the 4–20 mA input registers fail while every other transaction
 * (valve writes and their read-back included) works: the inputs are lost, the valve is not.
 * `write-error`: every write fails while reads work: the inputs are fine, the valve (and the
 * watchdog reload) cannot be driven.
 */
export type CardFault =
  | 'none'
  | 'i2c-error'
  | 'card-missing'
  | 'bus-hang'
  | 'bus-block'
  | 'input-read-error'
  | 'write-error';

/** Faults currently injected. */
export interface SimulatedFaults {
  card: CardFault;
  /** With `i2c-error`: every Nth transaction fails (null: every one). */
  failEvery: number | null;
  inputs: Record<InputNumber, InputFault>;
}

/** The emulated hardware watchdog, as seen from outside. */
export interface WatchdogState {
  /** Armed by a reload (0xCA) and not disabled by period 65000. */
  enabled: boolean;
  /** Period, s. */
  periodS: number;
  /** Times the card would have power-cycled the Pi (one per silence longer than the period). */
  trips: number;
}
