import type { Quality } from '@cryopilot/protocol';

/** NAMUR NE43 bands (mA) used to classify a 4–20 mA loop current. */
export const NE43 = {
  faultBelowMa: 3.6,
  goodFromMa: 3.8,
  goodToMa: 20.5,
  faultAboveMa: 21.0,
} as const;

/** Engineering range of a transmitter: the value at 4 mA and at 20 mA. */
export interface EngineeringRange {
  readonly min: number;
  readonly max: number;
}

/**
 * Quality band of a loop current alone (no time involved):
 * good 3.8–20.5, uncertain 3.6–3.8 and 20.5–21.0, bad outside 3.6–21.0 (and NaN).
 */
export function classifyLoopCurrent(mA: number): 'good' | 'uncertain' | 'bad' {
  if (!Number.isFinite(mA) || mA < NE43.faultBelowMa || mA > NE43.faultAboveMa) return 'bad';
  if (mA < NE43.goodFromMa || mA > NE43.goodToMa) return 'uncertain';
  return 'good';
}

/** Linear 4–20 mA → engineering units. Not clamped: callers clamp according to quality. */
export function scaleLoopCurrent(mA: number, range: EngineeringRange): number {
  return range.min + ((mA - 4) * (range.max - range.min)) / 16;
}

/**
 * The value a quality allows to be shown and used: the scaled value for `good` (under- and
 * over-range within 3.8–20.5 are NE43-valid, saturated readings, clamped to the range),
 * the clamped value for `uncertain`, and null for everything else.
 */
export function valueForQuality(
  mA: number,
  quality: Quality,
  range: EngineeringRange,
): number | null {
  if (quality !== 'good' && quality !== 'uncertain') return null;
  const low = Math.min(range.min, range.max);
  const high = Math.max(range.min, range.max);
  const value = Math.min(high, Math.max(low, scaleLoopCurrent(mA, range)));
  return roundTo(value, 4);
}

function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
