import type { Alarm, Mode, Setpoints, StateSnapshot, ValveState } from '@cryopilot/protocol';
import type { AlarmActionResult } from '../alarms/alarm-book';
import type { LoopHealth } from './control-loop';
import type { TickOutcome } from './control-runtime';
import type { ControlRequestResult, SensorTestEndResult } from './control.types';

/**
 * What the transports and reporting links (HTTP, WebSocket, MQTT, telemetry, trend, health)
 * may do with control: read its state, follow its ticks, and report a condition of their own
 * as an alarm. Requests go through the command bus, never through here.
 */
export abstract class ControlView {
  /** The full state for `/api/state`, WebSocket snapshots and MQTT retained states. */
  abstract snapshot(): StateSnapshot;
  /** The setpoints in force (the same object until they change). */
  abstract setpoints(): Setpoints;
  /** Every alarm of the book, in every state (Home Assistant discovery lists them all). */
  abstract alarms(): Alarm[];
  /** Loop liveness, card and watchdog figures (health, diagnostics, telemetry). */
  abstract health(): LoopHealth;
  /** Tick start lateness over the last 1000 ticks (ms). */
  abstract jitter(): { p50: number; p99: number; max: number; samples: number };
  /** The sequence number of the last sample (0 before the first). */
  abstract lastSeq(): number;
  /**
   * Every tick's outcome, to `listener`. Isolated: a listener that throws or rejects is
   * logged and never affects control or the other listeners.
   */
  abstract onTick(
    name: string,
    listener: (outcome: TickOutcome) => void | Promise<void>,
  ): () => void;
  /**
   * The raw condition of an alarm that only a reporting link can see (an outbox overflowing);
   * the alarm book applies it, with its states and delays, at the next sample.
   */
  abstract reportCondition(alarmId: string, active: boolean): void;
}

/** Setpoints as the command handlers change them: validated, persisted, then applied. */
export type SetpointChangeOutcome =
  | { ok: true; setpoints: Setpoints }
  | {
      ok: false;
      code: 'invalid_args' | 'storage_full';
      message: string;
      fields?: Readonly<Record<string, string>>;
    };

/**
 * The requests the command handlers carry out, one at a time with the ticks; each re-evaluates
 * and writes the valve at once. A stopped loop refuses them all.
 */
export abstract class ControlRequests {
  abstract setMode(mode: Mode): Promise<ControlRequestResult>;
  /** `user` is kept with the fill it starts (the fill history). */
  abstract openValve(durationS: number | undefined, user?: string): Promise<ControlRequestResult>;
  abstract closeValve(): Promise<ControlRequestResult>;
  abstract changeSetpoints(
    apply: () => Promise<SetpointChangeOutcome>,
  ): Promise<ControlRequestResult>;
  abstract ackAlarm(id: string, user: string, comment?: string): Promise<AlarmActionResult>;
  abstract shelveAlarm(
    id: string,
    minutes: number,
    user: string,
    comment: string,
  ): Promise<AlarmActionResult>;
  abstract resetAlarm(id: string, user: string): Promise<AlarmActionResult>;
  /** Ends a shelf before it expires (`alarm.unshelve`). */
  abstract unshelveAlarm(id: string): Promise<AlarmActionResult>;
  /** O2 sensor tests (`sensor.test.start` / `sensor.test.end`). */
  abstract startSensorTest(
    sensorId: string,
    minutes: number,
    user: string,
  ): Promise<ControlRequestResult>;
  abstract endSensorTest(sensorId: string): Promise<SensorTestEndResult>;
  /** The valve after a request, for its result. */
  abstract valveState(): ValveState;
}
