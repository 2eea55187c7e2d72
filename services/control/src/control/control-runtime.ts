import {
  AlarmEvent,
  ChannelReading,
  FillEvent,
  isUsableQuality,
  Mode,
  SensorTest,
  Setpoints,
  valveReason,
  valveReasonText,
  ValveState,
} from '@cryopilot/protocol';
import type { Instant } from '../clock/clock';
import { AlarmActionResult, AlarmBook } from '../alarms/alarm-book';
import { AlarmLimits, evaluateAlarmConditions } from '../alarms/alarm-conditions';
import { defaultAlarmDefinitions } from '../alarms/alarm-definition';
import { FillTracker } from '../fills/fill-tracker';
import { ChannelSignal, ChannelSignalConfig } from '../signals/channel-signal';
import { LATCHING_TRIPS, ValveDecision } from './control.types';
import { SensorTestEnd, SensorTests } from './sensor-tests';
import { ValveController } from './valve-controller';

export interface RuntimeChannel extends ChannelSignalConfig {
  readonly role: 'o2' | 'level' | 'other';
  /** HAT input 1..4. */
  readonly input: number;
}

export interface RuntimeOptions {
  readonly channels: readonly RuntimeChannel[];
  readonly setpoints: Setpoints;
  readonly alarmLimits: AlarmLimits;
  readonly startupGoodSamples: number;
}

/** What one tick read from the card: four loop currents, or a failure. */
export type InputSample =
  | { readonly ok: true; readonly currentsMa: readonly number[] }
  | { readonly ok: false; readonly error: string };

/** What must survive a restart: the mode ("keep closed") and the latched trips. */
export interface PersistentControlState {
  readonly mode: Mode;
  readonly latched: readonly string[];
}

/** The outcome of one tick, for the I/O shell to act on and publish. */
export interface TickOutcome {
  readonly seq: number;
  /** Acquisition time of the sample (epoch ms and ISO). */
  readonly wallMs: number;
  readonly ts: string;
  readonly channels: readonly ChannelReading[];
  readonly decision: ValveDecision;
  readonly valve: ValveState;
  readonly valveChanged: boolean;
  readonly alarmEvents: readonly AlarmEvent[];
  /** A fill that started or ended at this step (the valve opened or closed). */
  readonly fillEvents: readonly FillEvent[];
  /** O2 sensor tests that ended by themselves at this sample (time up, room unguarded). */
  readonly sensorTestsEnded: readonly { test: SensorTest; reason: SensorTestEnd }[];
}

/**
 * Everything the control loop decides, without I/O: channel signals (quality, warm-up,
 * staleness), the valve controller and the alarm book, stepped once per sample.
 */
export class ControlRuntime {
  readonly alarms: AlarmBook;
  readonly valveController: ValveController;
  /** Fills as the valve makes them; the fill history persists and serves them. */
  readonly fills = new FillTracker();
  /** Declared O2 sensor tests: their readings set aside, fills inhibited. */
  readonly sensorTests: SensorTests;
  private readonly signals: ChannelSignal[];
  private setpoints: Setpoints;
  private supplyV: number | null = null;
  private seq = 0;
  private lastReadings: ChannelReading[] = [];
  /** Conditions of alarms raised outside the loop (reporting links), applied at each sample. */
  private readonly externalConditions: Record<string, boolean> = {};
  private valve: ValveState;
  /**
   * Events of re-evaluations between samples (a fill started by `valve.open`, `hardware_fault`
   * after a failed valve write): the loop notifies its listeners once per sample, so they ride
   * with the next sample's outcome instead of being lost.
   */
  private carriedAlarmEvents: AlarmEvent[] = [];
  private carriedFillEvents: FillEvent[] = [];

  constructor(
    private readonly options: RuntimeOptions,
    start: Instant,
  ) {
    this.setpoints = options.setpoints;
    this.signals = options.channels.map((c) => new ChannelSignal(c, start.mono));
    this.sensorTests = new SensorTests(
      options.channels.filter((c) => c.role === 'o2').map((c) => c.id),
    );
    this.valveController = new ValveController(options.setpoints, options.startupGoodSamples);
    this.alarms = new AlarmBook(defaultAlarmDefinitions(options.setpoints.o2AlarmOnDelayS), start);
    const ts = new Date(start.wall).toISOString();
    this.lastReadings = this.signals.map((s) => s.markReadFailed(ts));
    this.valve = {
      open: false,
      output: 0,
      mode: 'auto',
      reason: valveReasonText(valveReason('starting')),
      reasonCode: 'starting',
      reasonParams: {},
      interlocks: ['startup'],
      since: ts,
      manualUntil: null,
      autoReturnAt: null,
      manualOpen: this.manualOpenState(),
    };
  }

  get currentSetpoints(): Setpoints {
    return this.setpoints;
  }

  get currentMode(): Mode {
    return this.valveController.currentMode;
  }

  get valveState(): ValveState {
    return this.valve;
  }

  get readings(): readonly ChannelReading[] {
    return this.lastReadings;
  }

  get lastSeq(): number {
    return this.seq;
  }

  persistentState(): PersistentControlState {
    return { mode: this.valveController.currentMode, latched: this.alarms.latchedIds() };
  }

  /** State saved before a restart: mode and latched trips come back as they were. */
  restore(state: PersistentControlState, now: Instant): void {
    // Manual mode's clock for the return to auto starts again here: the later return.
    this.valveController.setMode(state.mode, now.mono);
    this.alarms.restoreLatched(state.latched, now);
    this.valve = {
      ...this.valve,
      mode: state.mode,
      autoReturnAt: this.autoReturnAt(now),
      manualOpen: this.manualOpenState(),
    };
  }

  updateSetpoints(setpoints: Setpoints): void {
    this.setpoints = setpoints;
    this.valveController.updateSetpoints(setpoints);
    // Alarm delays come from setpoints too (o2AlarmOnDelayS): the book takes them from now on.
    this.alarms.redefine(defaultAlarmDefinitions(setpoints.o2AlarmOnDelayS));
  }

  /**
   * Sets the raw condition of an alarm that the loop cannot see itself (e.g.
   * `telemetry_outbox_overflow`); the alarm book applies it, with its states, at the next
   * sample, so the transition reaches every consumer of the ticks like any other alarm.
   */
  setExternalCondition(id: string, active: boolean): void {
    this.externalConditions[id] = active;
  }

  /**
   * Resets a latched alarm. A trip is reset only once its condition is known to have cleared:
   * the O2 trip needs at least one O2 sensor that reads (not warming up, faulted or unread) —
   * "no reading" is not "air is back".
   */
  resetAlarm(id: string, user: string, now: Instant): AlarmActionResult {
    if (id === 'o2_low_low' && !this.o2Measured()) {
      return {
        ok: false,
        code: 'refused',
        message:
          'o2_low_low: no O2 sensor reads yet (warming up, faulted or unread): reset once O2 is measured',
      };
    }
    return this.alarms.reset(id, user, now);
  }

  /** A sensor under test reads its test gas: no evidence that the air is back. */
  private o2Measured(): boolean {
    return this.lastReadings.some(
      (reading, i) =>
        this.options.channels[i].role === 'o2' &&
        !this.sensorTests.isUnderTest(reading.id) &&
        isUsableQuality(reading.quality) &&
        reading.value !== null,
    );
  }

  /** Latest HAT supply voltage (diagnostics are read less often than inputs). */
  updateSupplyVoltage(volts: number | null): void {
    this.supplyV = volts;
  }

  /**
   * One sample: signals → alarms and valve decision. `outputOk` is false when the last valve
   * write failed: a card that reads but cannot drive the valve is a hardware fault too.
   */
  tick(sample: InputSample, now: Instant, outputOk = true): TickOutcome {
    const ts = new Date(now.wall).toISOString();
    const channels = this.signals.map((signal, i) =>
      sample.ok
        ? signal.update(sample.currentsMa[this.options.channels[i].input - 1], now.mono, ts)
        : signal.markReadFailed(ts),
    );
    this.lastReadings = channels;
    const sensorTestsEnded = this.sensorTests.update(channels, now);
    return { ...this.decide(channels, sample.ok && outputOk, now, true), sensorTestsEnded };
  }

  /** Declares an O2 sensor under test (see `SensorTests` for the rules). */
  startSensorTest(sensorId: string, minutes: number, by: string, now: Instant) {
    return this.sensorTests.start(sensorId, minutes, by, now, this.lastReadings);
  }

  /** Ends a declared test: the sensor is back in service at the next evaluation. */
  endSensorTest(sensorId: string): SensorTest | null {
    return this.sensorTests.end(sensorId);
  }

  /**
   * Re-evaluates the valve with the last readings, right after an operator request, so the
   * command result reflects the new state without waiting for the next tick.
   */
  reevaluate(now: Instant, hardwareOk: boolean): TickOutcome {
    return this.decide(this.lastReadings, hardwareOk, now, false);
  }

  private decide(
    channels: readonly ChannelReading[],
    hardwareOk: boolean,
    now: Instant,
    isSample: boolean,
  ): TickOutcome {
    if (isSample) this.seq += 1;
    const level = channels[this.indexOfRole('level')];
    // A sensor under a declared test reads test gas: not the room's air.
    const o2 = channels.filter(
      (c, i) => this.options.channels[i].role === 'o2' && !this.sensorTests.isUnderTest(c.id),
    );
    const decision = this.valveController.step(
      {
        mono: now.mono,
        level,
        o2,
        hardwareOk,
        tripsLatched: LATCHING_TRIPS.filter((id) => this.alarms.isRaisedOrLatched(id)),
        o2UnderTest: this.sensorTests.any,
      },
      isSample,
    );
    const conditions = evaluateAlarmConditions(
      { level, o2, hardwareOk, supplyV: this.supplyV, fillTimedOut: decision.fillTimedOut },
      this.setpoints,
      this.options.alarmLimits,
      this.alarms.activeMap(),
    );
    const alarmEvents = this.alarms.update({ ...conditions, ...this.externalConditions }, now);
    const valveChanged = this.updateValveState(decision, now);
    const ts = new Date(now.wall).toISOString();
    const fillEvents = this.fills.step({
      ts,
      mono: now.mono,
      open: decision.open,
      mode: this.valveController.currentMode,
      closedBy: decision.closedBy,
      openedBy: decision.openedBy,
      levelPct: level.quality === 'good' ? level.value : null,
    });
    if (!isSample) {
      this.carriedAlarmEvents.push(...alarmEvents);
      this.carriedFillEvents.push(...fillEvents);
    }
    return {
      seq: this.seq,
      wallMs: now.wall,
      ts,
      channels,
      decision,
      valve: this.valve,
      valveChanged,
      alarmEvents: isSample ? this.takeCarried(this.carriedAlarmEvents, alarmEvents) : alarmEvents,
      fillEvents: isSample ? this.takeCarried(this.carriedFillEvents, fillEvents) : fillEvents,
      sensorTestsEnded: [],
    };
  }

  /** The events carried since the last sample, then this sample's; empties the carry. */
  private takeCarried<E>(carried: E[], current: readonly E[]): readonly E[] {
    if (carried.length === 0) return current;
    const all = [...carried, ...current];
    carried.length = 0;
    return all;
  }

  private updateValveState(decision: ValveDecision, now: Instant): boolean {
    const changed = decision.open !== this.valve.open;
    const manualUntil =
      decision.manualUntilMono === null
        ? null
        : new Date(now.wall + (decision.manualUntilMono - now.mono)).toISOString();
    this.valve = {
      open: decision.open,
      output: decision.open ? 100 : 0,
      mode: this.valveController.currentMode,
      reason: decision.reason,
      reasonCode: decision.why.code,
      reasonParams: decision.why.params,
      interlocks: [...decision.interlocks],
      since: changed ? new Date(now.wall).toISOString() : this.valve.since,
      manualUntil,
      autoReturnAt: this.autoReturnAt(now),
      manualOpen: this.manualOpenState(),
    };
    return changed;
  }

  /** To the second: a wall time from a control-clock delta must not change at every tick. */
  private autoReturnAt(now: Instant): string | null {
    const due = this.valveController.autoReturnMono();
    if (due === null) return null;
    const wall = now.wall + (due - now.mono);
    return new Date(Math.ceil(wall / 1000) * 1000).toISOString();
  }

  private manualOpenState(): ValveState['manualOpen'] {
    const blockedBy = this.valveController.manualOpenBlockers();
    return { allowed: blockedBy.length === 0, blockedBy };
  }

  private indexOfRole(role: 'level'): number {
    return this.options.channels.findIndex((c) => c.role === role);
  }
}
