import { z } from 'zod';

const pct = z.number().finite().min(0).max(100);
const o2Pct = z.number().finite().min(0).max(25);
const seconds = (max: number) => z.number().finite().min(0).max(max);

/** Control setpoints and alarm thresholds (design/safety.md). Changeable at runtime by admins. */
export const setpointFields = {
  /** Auto fill starts when the level drops below this (%). */
  fillStartPct: pct,
  /** Auto fill stops when the level reaches this (%). */
  fillStopPct: pct,
  /** `level_low` alarm below this (%). */
  levelLowPct: pct,
  /** Overfill: valve forced closed and `level_high_high` raised at or above this (%). */
  levelHighHighPct: pct,
  /** Longest allowed fill before `fill_timeout` (s). */
  maxFillS: seconds(4 * 3600).min(10),
  /** Minimum time between the end of one auto fill and the start of the next (s). */
  minOffS: seconds(24 * 3600),
  /** A manual open always ends after at most this (s). */
  manualOpenMaxS: seconds(4 * 3600).min(1),
  /** Duration of a manual open when the command gives none (s). */
  manualOpenDefaultS: seconds(4 * 3600).min(1),
  /** `o2_low` warning below this (%vol). */
  o2LowPct: o2Pct,
  /** `o2_low_low` critical alarm and valve interlock below this (%vol). */
  o2LowLowPct: o2Pct,
  /** `o2_high` (enrichment or sensor error) above this (%vol). */
  o2HighPct: o2Pct,
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
  o2LowPct: 19.5,
  o2LowLowPct: 18,
  o2HighPct: 23.5,
  o2DeadbandPct: 0.25,
  o2AlarmOnDelayS: 10,
};

/** Rejects impossible combinations, each with the path of the offending field. */
function checkCombination(s: Setpoints, ctx: z.RefinementCtx): void {
  const order = (low: keyof Setpoints, high: keyof Setpoints, message: string) => {
    if (!(s[low] < s[high])) ctx.addIssue({ code: 'custom', path: [high], message });
  };
  order('levelLowPct', 'fillStartPct', 'must be > levelLowPct');
  order('fillStartPct', 'fillStopPct', 'must be > fillStartPct');
  order('fillStopPct', 'levelHighHighPct', 'must be > fillStopPct');
  order('o2LowLowPct', 'o2LowPct', 'must be > o2LowLowPct');
  order('o2LowPct', 'o2HighPct', 'must be > o2LowPct');
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

/** A partial update (command `setpoints.set`); merged, then validated as a whole. */
export const setpointsPatchSchema = setpointsObject.partial();
export type SetpointsPatch = z.infer<typeof setpointsPatchSchema>;
