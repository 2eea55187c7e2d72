import { z } from 'zod';
import { isoTimestamp } from './common';
import { modeSchema } from './valve';

/**
 * What ended a fill:
 * - `stop_level`: auto fill reached `fillStopPct`;
 * - `max_time`: auto fill exceeded `maxFillS` (`fill_timeout` latches);
 * - `timer`: a manual open ran for its requested duration;
 * - `trip`: a latched safety trip (`o2_low_low`) closed the valve;
 * - `interlock`: another interlock (sensor fault, level high-high, O2 unavailable, card fault);
 * - `operator`: `valve.close` or a mode change;
 * - `restart`: the service stopped while the valve was open (the valve went to its safe state).
 */
export const FILL_END_CAUSES = [
  'stop_level',
  'max_time',
  'timer',
  'trip',
  'interlock',
  'operator',
  'restart',
] as const;
export const fillEndCauseSchema = z.enum(FILL_END_CAUSES);
export type FillEndCause = z.infer<typeof fillEndCauseSchema>;

/** One fill (`GET /api/fills`, MQTT `…/fills/events`, InfluxDB `fill`). An open fill has `end: null`. */
export const fillRecordSchema = z.strictObject({
  start: isoTimestamp,
  end: isoTimestamp.nullable(),
  /** Control-clock seconds (simulated seconds under `SIM_SPEED`); null while open. */
  durationS: z.number().min(0).nullable(),
  /** Level at the start (last good reading); null when not known. */
  levelFromPct: z.number().nullable(),
  /** Level at the end (last good reading); null while open or when not known (restart). */
  levelToPct: z.number().nullable(),
  mode: modeSchema,
  endedBy: fillEndCauseSchema.nullable(),
  /** Who started a manual fill. */
  user: z.string().optional(),
});
export type FillRecord = z.infer<typeof fillRecordSchema>;

export const fillsResponseSchema = z.strictObject({ fills: z.array(fillRecordSchema) });
export type FillsResponse = z.infer<typeof fillsResponseSchema>;

/** A fill started or ended (MQTT `…/fills/events`). */
export const fillEventSchema = z.strictObject({
  event: z.enum(['started', 'ended']),
  fill: fillRecordSchema,
  ts: isoTimestamp,
});
export type FillEvent = z.infer<typeof fillEventSchema>;

/**
 * `GET /api/consumption`. Rates are in control-clock time (simulated time under `SIM_SPEED`);
 * every figure is null while there is not enough data, and `basis` says what was used.
 */
export const consumptionSchema = z.strictObject({
  /** Level lost per hour between fills (boil-off and use), %/h. */
  ratePctPerH: z.number().nullable(),
  /** The same in litres/day, when the dewar's capacity is configured. */
  litresPerDay: z.number().nullable().optional(),
  /** Fills per day over the observed period. */
  fillsPerDay: z.number().nullable(),
  /** Until the level reaches `fillStartPct` at the current rate (0 when already below). */
  timeToFillStartS: z.number().nullable(),
  /** Until the dewar is empty at the current rate, if it were not filled. */
  timeToEmptyS: z.number().nullable(),
  basis: z.strictObject({
    /** Hours of level data between fills behind `ratePctPerH`. */
    rateHours: z.number(),
    /** Hours behind `fillsPerDay` and the fills counted in them. */
    fillsHours: z.number(),
    fillsCounted: z.number().int(),
    /** Level used for the forecasts (last good reading), null when unknown. */
    levelPct: z.number().nullable(),
    /** The boil-off warning's figures: the recent rate and its longer baseline, %/h. */
    recentPctPerH: z.number().nullable(),
    baselinePctPerH: z.number().nullable(),
    /** Usual and latest fill speed, %/min (supply warning). */
    usualFillPctPerMin: z.number().nullable(),
    lastFillPctPerMin: z.number().nullable(),
    /** Why a figure is missing, when one is. */
    note: z.string().optional(),
  }),
});
export type Consumption = z.infer<typeof consumptionSchema>;
