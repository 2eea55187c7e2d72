import type { Setpoints } from '@cryopilot/protocol';

export interface ThresholdMark {
  readonly label: string;
  readonly value: number;
  readonly severity: 'critical' | 'warning' | 'control';
}

export interface TileScale {
  readonly min: number;
  readonly max: number;
  readonly marks: readonly ThresholdMark[];
}

/** Scale and threshold marks of a tile: O2 in %vol (0–25), the LN2 level in % (0–100). */
export function tileScale(unit: string, setpoints: Setpoints | null): TileScale {
  if (unit === '%vol') {
    return {
      min: 0,
      max: 25,
      marks: setpoints
        ? [
            { label: 'LL', value: setpoints.o2LowLowPct, severity: 'critical' },
            { label: 'L', value: setpoints.o2LowPct, severity: 'warning' },
            { label: 'H', value: setpoints.o2HighPct, severity: 'warning' },
          ]
        : [],
    };
  }
  return {
    min: 0,
    max: 100,
    marks: setpoints
      ? [
          { label: 'L', value: setpoints.levelLowPct, severity: 'warning' },
          { label: '▲', value: setpoints.fillStartPct, severity: 'control' },
          { label: '▼', value: setpoints.fillStopPct, severity: 'control' },
          { label: 'HH', value: setpoints.levelHighHighPct, severity: 'critical' },
        ]
      : [],
  };
}

/** A limit a value is beyond, as the tile tags it (LOW-LOW, LOW, HIGH, HIGH-HIGH). */
export type LimitTag = 'lowLow' | 'low' | 'high' | 'highHigh';
export interface LimitState {
  readonly tag: LimitTag;
  readonly priority: 'critical' | 'warning';
}

/**
 * Which limit a value is beyond, with the priority of the alarm on that limit (the same
 * limits and priorities as the service's alarms), or null inside the normal band.
 */
export function limitState(
  unit: string,
  value: number,
  setpoints: Setpoints | null,
): LimitState | null {
  if (!setpoints) return null;
  if (unit === '%vol') {
    if (value < setpoints.o2LowLowPct) return { tag: 'lowLow', priority: 'critical' };
    if (value < setpoints.o2LowPct) return { tag: 'low', priority: 'warning' };
    if (value > setpoints.o2HighPct) return { tag: 'high', priority: 'warning' };
    return null;
  }
  if (value >= setpoints.levelHighHighPct) return { tag: 'highHigh', priority: 'critical' };
  if (value < setpoints.levelLowPct) return { tag: 'low', priority: 'warning' };
  return null;
}

/** The alarm that stands for a bad, stale or warming-up reading of a tile's sensor. */
export function sensorFaultAlarm(unit: string): string {
  return unit === '%vol' ? 'o2_sensor_fault' : 'level_sensor_fault';
}

/** SVG path (viewBox 0 0 100 30) of a sparkline; gaps where values are missing. */
export function sparklinePath(
  t: readonly number[],
  v: ReadonlyArray<number | null>,
  scale: { min: number; max: number },
): string {
  if (t.length < 2) return '';
  const t0 = t[0];
  const span = t[t.length - 1] - t0 || 1;
  const step = Math.max(1, Math.floor(t.length / 120));
  let path = '';
  let penDown = false;
  for (let i = 0; i < t.length; i += step) {
    const value = v[i];
    if (value === null || value === undefined) {
      penDown = false;
      continue;
    }
    const x = ((t[i] - t0) / span) * 100;
    const clamped = Math.min(scale.max, Math.max(scale.min, value));
    const y = 30 - ((clamped - scale.min) / (scale.max - scale.min)) * 30;
    path += `${penDown ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`;
    penDown = true;
  }
  return path;
}
