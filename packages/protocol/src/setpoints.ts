import { z } from 'zod';

const pct = z.number().finite().min(0).max(100);
const seconds = (max: number) => z.number().finite().min(0).max(max);

/**
 * Hard limits of the settings that protect people and the dewar. No configuration, setpoint
 * file or command can go past them: a trip set outside them would be a trip switched off.
 * Sources (docs/safety.md, "Safety limits"):
 * - O2 low-low (evacuate, fill interlock) 18.0–19.5 %vol: fixed O2 transmitters offer
 *   below-below trips of 19.5 / 19.0 / 18.5 / 18.0 %vol (Net Safety ST340X); Swiss guidance
 *   says O2 must not fall below 18 %vol; OSHA calls air below 19.5 %vol deficient.
 * - O2 low (deficiency warning) 19.0–20.5 %vol: 19.5 %vol is the near-universal first alarm
 *   (OSHA 29 CFR 1910.146, MSA, Matheson), Dräger's default A1 is 19.0 %vol; above 20.5 %vol
 *   sensor tolerance around 20.9 %vol would raise it in clean air.
 * - O2 high (enrichment or sensor error) 21.5–23.5 %vol: OSHA calls above 23.5 %vol enriched,
 *   Dräger's default A2 is 23 %vol.
 * - Level high-high (overfill trip) at most 98 %: it must trip while the level transmitter can
 *   still tell (NE43 over-range saturates at 100 %), and stay above the stop level (below).
 * - Maximum fill time 60 s – 2 h: a fill that has not reached its stop level in 2 h is a fault
 *   (supply empty, iced line, stuck level); Chart MVE controllers cap at 30–240 min for large
 *   freezers, PSI's cryostat auto-fill at 10 min.
 */
export const SAFETY_LIMITS = {
  o2LowLowPct: { min: 18, max: 19.5, unit: '%vol' },
  o2LowPct: { min: 19, max: 20.5, unit: '%vol' },
  o2HighPct: { min: 21.5, max: 23.5, unit: '%vol' },
  levelHighHighPct: { min: 0, max: 98, unit: '%' },
  maxFillS: { min: 60, max: 7200, unit: 's' },
} as const;
type LimitedField = keyof typeof SAFETY_LIMITS;

/** Least margin (%) between the stop level and the overfill trip. */
export const HIGH_HIGH_MARGIN_PCT = 2;

const limited = (field: LimitedField) => {
  const { min, max, unit } = SAFETY_LIMITS[field];
  const why = 'a hard safety limit (docs/safety.md)';
  return z
    .number()
    .finite()
    .min(min, `must be >= ${min} ${unit}: ${why}`)
    .max(max, `must be <= ${max} ${unit}: ${why}`);
};

/**
 * The settings that trip the valve closed (interlocks): changed only through `trips.set`, with
 * an explicit confirmation and a reason, audited with their old and new values.
 */
export const TRIP_SETTING_FIELDS = ['o2LowLowPct', 'levelHighHighPct', 'maxFillS'] as const;
export type TripSettingField = (typeof TRIP_SETTING_FIELDS)[number];

export function isTripSetting(field: string): field is TripSettingField {
  return (TRIP_SETTING_FIELDS as readonly string[]).includes(field);
}

/** Control setpoints and alarm thresholds (docs/safety.md). Changeable at runtime by admins. */
export const setpointFields = {
  /** Auto fill starts when the level drops below this (%). */
  fillStartPct: pct,
  /** Auto fill stops when the level reaches this (%). */
  fillStopPct: pct,
  /** `level_low` alarm below this (%). */
  levelLowPct: pct,
  /** Overfill trip: valve forced closed and `level_high_high` raised at or above this (%). */
  levelHighHighPct: limited('levelHighHighPct'),
  /** Trip: longest allowed fill before `fill_timeout` (s). */
  maxFillS: limited('maxFillS'),
  /** Minimum time between the end of one auto fill and the start of the next (s). */
  minOffS: seconds(24 * 3600),
  /** A manual open always ends after at most this (s). */
  manualOpenMaxS: seconds(4 * 3600).min(1),
  /** Duration of a manual open when the command gives none (s). */
  manualOpenDefaultS: seconds(4 * 3600).min(1),
  /**
   * Manual mode returns to auto after this long (s), once no manual open is running; 0 keeps
   * manual until an operator leaves it (the default: nobody's "keep closed" is undone unasked).
   */
  manualAutoReturnS: seconds(24 * 3600),
  /** `o2_low` warning below this (%vol). */
  o2LowPct: limited('o2LowPct'),
  /** Trip: `o2_low_low` critical alarm and valve interlock below this (%vol). */
  o2LowLowPct: limited('o2LowLowPct'),
  /** `o2_high` (enrichment or sensor error) above this (%vol). */
  o2HighPct: limited('o2HighPct'),
  /** O2 alarms clear only once the value is back past the limit by this much (%vol). */
  o2DeadbandPct: z.number().finite().min(0).max(2),
  /** `o2_low` and `o2_high` must persist this long before they raise (s). */
  o2AlarmOnDelayS: seconds(600),
} as const;

const setpointsObject = z.strictObject(setpointFields);
export type Setpoints = z.infer<typeof setpointsObject>;

export const DEFAULT_SETPOINTS: Setpoints = {
  fillStartPct: 20,
  fillStopPct: 80,
  levelLowPct: 10,
  levelHighHighPct: 95,
  maxFillS: 1800,
  minOffS: 60,
  manualOpenMaxS: 600,
  manualOpenDefaultS: 300,
  manualAutoReturnS: 0,
  o2LowPct: 19.5,
  o2LowLowPct: 18,
  o2HighPct: 23.5,
  o2DeadbandPct: 0.25,
  o2AlarmOnDelayS: 10,
};

/** Shortest return to auto: less would make manual mode unusable for a watched fill. */
export const MIN_AUTO_RETURN_S = 60;

/** Rejects impossible combinations, each with the path of the offending field. */
function checkCombination(s: Setpoints, ctx: z.RefinementCtx): void {
  const order = (low: keyof Setpoints, high: keyof Setpoints, message: string) => {
    if (!(s[low] < s[high])) ctx.addIssue({ code: 'custom', path: [high], message });
  };
  order('levelLowPct', 'fillStartPct', 'must be > levelLowPct');
  order('fillStartPct', 'fillStopPct', 'must be > fillStartPct');
  if (!(s.fillStopPct + HIGH_HIGH_MARGIN_PCT <= s.levelHighHighPct)) {
    ctx.addIssue({
      code: 'custom',
      path: ['levelHighHighPct'],
      message: `must be >= fillStopPct + ${HIGH_HIGH_MARGIN_PCT} %`,
    });
  }
  order('o2LowLowPct', 'o2LowPct', 'must be > o2LowLowPct');
  order('o2LowPct', 'o2HighPct', 'must be > o2LowPct');
  if (s.manualAutoReturnS > 0 && s.manualAutoReturnS < MIN_AUTO_RETURN_S) {
    ctx.addIssue({
      code: 'custom',
      path: ['manualAutoReturnS'],
      message: `must be 0 (stay in manual) or >= ${MIN_AUTO_RETURN_S} s`,
    });
  }
  if (s.manualOpenDefaultS > s.manualOpenMaxS) {
    ctx.addIssue({
      code: 'custom',
      path: ['manualOpenDefaultS'],
      message: 'must be <= manualOpenMaxS',
    });
  }
}

/** A complete, consistent set of setpoints. */
export const setpointsSchema = setpointsObject.superRefine(checkCombination);

/** A partial update; merged with the current setpoints, then validated as a whole. */
export const setpointsPatchSchema = setpointsObject.partial();
export type SetpointsPatch = z.infer<typeof setpointsPatchSchema>;

/** The trip settings alone, for `trips.set`. */
export const tripSettingsPatchSchema = setpointsObject
  .pick({
    o2LowLowPct: true,
    levelHighHighPct: true,
    maxFillS: true,
  })
  .partial();
