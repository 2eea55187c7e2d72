import type { Alarm, Interlock, Setpoints, ValveState } from '@cryopilot/protocol';
import type { ChannelView } from '../core/realtime/realtime-state';

/** Is the room safe to enter, going by its oxygen? */
export type RoomState = 'safe' | 'danger' | 'unknown';

export interface PlantSummary {
  readonly room: {
    readonly state: RoomState;
    /** The lowest usable O2 reading (%vol), null when none is usable. */
    readonly o2Pct: number | null;
    /** O2 sensors giving a usable reading, of all O2 sensors. */
    readonly sensorsOk: number;
    readonly sensors: number;
  };
  readonly valve:
    | { readonly kind: 'unknown' }
    | {
        readonly kind: 'filling';
        readonly levelPct: number | null;
        readonly stopPct: number;
        /** Seconds since the valve opened, and the longest a fill may last. */
        readonly elapsedS: number;
        readonly maxFillS: number;
      }
    | { readonly kind: 'closed'; readonly interlocks: readonly Interlock[] };
  readonly alarms: { readonly critical: number; readonly warning: number; readonly info: number };
  /**
   * Manual mode, null in auto: nothing fills the dewar by itself then. `belowFillStart` when
   * the level is under the point where auto would have started a fill.
   */
  readonly manual: {
    readonly levelPct: number | null;
    readonly fillStartPct: number;
    readonly belowFillStart: boolean;
  } | null;
}

const USABLE = new Set(['good', 'uncertain']);
/** Alarms that mean the room's air may be short of oxygen. */
const O2_DANGER_ALARMS = new Set(['o2_low', 'o2_low_low']);

/**
 * What the status band says, from the live state (pure). The room is `danger` when a usable
 * O2 reading is below the low alarm setpoint, an O2 low alarm is active or the O2 trip is
 * latched; `unknown` when no O2 sensor gives a usable reading (never "safe" by default).
 */
export function plantSummary(input: {
  channels: readonly ChannelView[];
  setpoints: Setpoints | null;
  valve: ValveState | null;
  alarms: readonly Alarm[];
  nowMs: number;
}): PlantSummary {
  const { channels, setpoints, valve, alarms, nowMs } = input;
  const o2 = channels.filter((c) => c.unit === '%vol');
  const usable = o2.filter((c) => USABLE.has(c.quality) && c.value !== null);
  const o2Pct = usable.length ? Math.min(...usable.map((c) => c.value as number)) : null;
  const o2Alarm = alarms.some((a) => O2_DANGER_ALARMS.has(a.id) && a.active);
  const tripped = valve?.interlocks.includes('o2_low_low') ?? false;
  const belowLow = o2Pct !== null && setpoints !== null && o2Pct < setpoints.o2LowPct;
  const state: RoomState =
    belowLow || o2Alarm || tripped ? 'danger' : usable.length === 0 ? 'unknown' : 'safe';

  const level = channels.find((c) => c.unit === '%' && USABLE.has(c.quality));
  const counts = { critical: 0, warning: 0, info: 0 };
  // Shelved alarms are listed apart (ISA-18.2): not counted as standing ones.
  for (const alarm of alarms) {
    if (alarm.state !== 'normal' && alarm.state !== 'shelved') counts[alarm.severity] += 1;
  }

  return {
    room: { state, o2Pct, sensorsOk: usable.length, sensors: o2.length },
    valve:
      valve === null || setpoints === null
        ? { kind: 'unknown' }
        : valve.open
          ? {
              kind: 'filling',
              levelPct: level?.value ?? null,
              stopPct: setpoints.fillStopPct,
              elapsedS: Math.max(0, Math.round((nowMs - Date.parse(valve.since)) / 1000)),
              // A manual open ends at its own time; an automatic fill at the fill-time trip.
              maxFillS: valve.manualUntil
                ? Math.round((Date.parse(valve.manualUntil) - Date.parse(valve.since)) / 1000)
                : setpoints.maxFillS,
            }
          : { kind: 'closed', interlocks: valve.interlocks },
    alarms: counts,
    manual:
      valve?.mode === 'manual' && setpoints !== null
        ? {
            levelPct: level?.value ?? null,
            fillStartPct: setpoints.fillStartPct,
            belowFillStart:
              level?.value !== null &&
              level?.value !== undefined &&
              level.value < setpoints.fillStartPct,
          }
        : null,
  };
}

/** `m:ss` (or `h:mm:ss`) for elapsed times. Pure. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
