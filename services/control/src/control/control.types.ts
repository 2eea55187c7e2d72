import type {
  FillEndCause,
  Interlock,
  Quality,
  SensorTest,
  ValveReason,
} from '@cryopilot/protocol';

/** What control needs of a channel reading. */
export interface SignalInput {
  readonly value: number | null;
  readonly quality: Quality;
}

/** Everything the valve decision depends on, sampled once per loop tick. */
export interface ControlInputs {
  /** Control clock (ms, monotonic, possibly accelerated by the simulator). */
  readonly mono: number;
  readonly level: SignalInput;
  readonly o2: readonly SignalInput[];
  /** The last read of the card succeeded. */
  readonly hardwareOk: boolean;
  /**
   * Trips raised or latched and not yet reset by a person (IEC 61511: a trip stays tripped
   * until a person resets it, after its condition has cleared). Each keeps its interlock.
   */
  readonly tripsLatched: readonly LatchingTrip[];
  /** An O2 sensor is under a declared test (its reading is not in `o2`): no fill. */
  readonly o2UnderTest?: boolean;
}

/** Trips that latch: their interlock holds until an operator resets the alarm of the same id. */
export const LATCHING_TRIPS = ['o2_low_low', 'fill_timeout'] as const;
export type LatchingTrip = (typeof LATCHING_TRIPS)[number];

export interface ValveDecision {
  readonly open: boolean;
  /** Why the valve is in this state, for people: "filling: level 18.0 % < 20 %". */
  readonly reason: string;
  /** The same as a code with parameters, for clients that say it in another language. */
  readonly why: ValveReason;
  /** Active interlocks (some inhibit only auto fills; see `ValveController`). */
  readonly interlocks: readonly Interlock[];
  /** Control-clock time at which a manual open ends, null unless manually open. */
  readonly manualUntilMono: number | null;
  /** True on the step that aborted a fill because it exceeded `maxFillS`. */
  readonly fillTimedOut: boolean;
  /** On the step that closed an open valve: what closed it (the fill history keeps it). */
  readonly closedBy: FillEndCause | null;
  /** While manually open: who asked for it. */
  readonly openedBy: string | null;
  /** True on the step at which manual mode returned to auto by itself (`manualAutoReturnS`). */
  readonly returnedToAuto: boolean;
}

/** Outcome of an operator request to the controller. */
export type ControlRequestResult =
  | { readonly ok: true; readonly message: string }
  | {
      readonly ok: false;
      readonly code: 'refused' | 'invalid_args' | 'hardware_error' | 'storage_full';
      readonly message: string;
      /** `invalid_args` of a setpoint change: which setpoint each problem is about. */
      readonly fields?: Readonly<Record<string, string>>;
    };

/** Outcome of ending a declared O2 sensor test: the test with its readings. */
export type SensorTestEndResult =
  | { readonly ok: true; readonly message: string; readonly test: SensorTest }
  | Exclude<ControlRequestResult, { ok: true }>;
