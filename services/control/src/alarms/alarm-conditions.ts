import { isUsableQuality, Setpoints } from '@cryopilot/protocol';
import type { SignalInput } from '../control/control.types';

/** What the alarm conditions are computed from, once per tick. */
export interface AlarmInputs {
  readonly level: SignalInput;
  readonly o2: readonly SignalInput[];
  readonly hardwareOk: boolean;
  /** HAT input supply in volts; null when not measured yet. */
  readonly supplyV: number | null;
  /** The valve controller aborted a fill this tick. */
  readonly fillTimedOut: boolean;
}

export interface AlarmLimits {
  readonly supplyMinV: number;
  readonly supplyMaxV: number;
  /** Level alarms clear only once the level is back past the limit by this much (%). */
  readonly levelDeadbandPct: number;
}

/**
 * Raw alarm conditions with deadband hysteresis: an alarm that is currently on (per
 * `previous`) clears only once the value is back past its limit by the deadband.
 * On/off delays and latching are the alarm book's job.
 */
export function evaluateAlarmConditions(
  inputs: AlarmInputs,
  setpoints: Setpoints,
  limits: AlarmLimits,
  previous: Readonly<Record<string, boolean>>,
): Record<string, boolean> {
  const o2 = inputs.o2
    .filter((s) => isUsableQuality(s.quality) && s.value !== null)
    .map((s) => s.value as number);
  const o2Db = setpoints.o2DeadbandPct;
  const below = (id: string, limit: number, deadband: number, values: number[]) =>
    values.some((v) => v < (previous[id] ? limit + deadband : limit));
  const above = (id: string, limit: number, deadband: number, values: number[]) =>
    values.some((v) => v > (previous[id] ? limit - deadband : limit));

  const levelValues =
    inputs.level.quality === 'good' && inputs.level.value !== null ? [inputs.level.value] : [];
  const lvlDb = limits.levelDeadbandPct;
  // Warm-up is expected after start and is shown as such; it is not a sensor fault. With the
  // card down every channel is stale: only `hardware_fault` is raised (suppressed by design).
  const faulty = (s: SignalInput) =>
    inputs.hardwareOk && s.quality !== 'good' && s.quality !== 'warmup';

  return {
    o2_low: below('o2_low', setpoints.o2LowPct, o2Db, o2),
    o2_low_low: below('o2_low_low', setpoints.o2LowLowPct, o2Db, o2),
    o2_high: above('o2_high', setpoints.o2HighPct, o2Db, o2),
    o2_sensor_fault: inputs.o2.some(faulty),
    level_low: below('level_low', setpoints.levelLowPct, lvlDb, levelValues),
    level_high_high: levelValues.some(
      (v) =>
        v >=
        (previous['level_high_high']
          ? setpoints.levelHighHighPct - lvlDb
          : setpoints.levelHighHighPct),
    ),
    level_sensor_fault: faulty(inputs.level),
    fill_timeout: inputs.fillTimedOut,
    hardware_fault: !inputs.hardwareOk,
    supply_voltage:
      inputs.supplyV !== null &&
      (inputs.supplyV < limits.supplyMinV || inputs.supplyV > limits.supplyMaxV),
  };
}
