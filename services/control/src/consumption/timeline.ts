import { z } from 'zod';

/**
 * The consumption timeline: what the level did, as a few entries per hour at most, so that
 * days of history cost a few kilobytes (and survive restarts in `consumption.jsonl`).
 *
 * - `idle`: a stretch with the valve closed and a good level, after the settling time; its
 *   least-squares slope is the consumption over that stretch.
 * - `fill`: a fill that ended, with its speed (level gained per minute).
 *
 * `spanS` is the control time from the previous entry's end to this one's end (idle, settling,
 * bad readings and fills included): summing it backwards measures "the last N hours" on the
 * control clock, whatever the time scale.
 */
export const timelineEntrySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('idle'),
    end: z.string(),
    spanS: z.number().min(0),
    durationS: z.number().min(0),
    /** Level change per second over the stretch (negative while the dewar empties). */
    slopePctPerS: z.number(),
    samples: z.number().int().min(0),
  }),
  z.strictObject({
    kind: z.literal('fill'),
    end: z.string(),
    spanS: z.number().min(0),
    durationS: z.number().min(0),
    levelFromPct: z.number(),
    levelToPct: z.number(),
    /** How the fill ended: only complete fills define the usual speed. */
    complete: z.boolean(),
    /** Judged slower than usual when it ended (kept out of the usual speed). */
    slow: z.boolean(),
  }),
]);
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;
export type IdleEntry = Extract<TimelineEntry, { kind: 'idle' }>;
export type FillEntry = Extract<TimelineEntry, { kind: 'fill' }>;

/** Level gained per minute during a fill. */
export function fillSpeedPctPerMin(fill: FillEntry): number {
  return fill.durationS > 0 ? ((fill.levelToPct - fill.levelFromPct) * 60) / fill.durationS : 0;
}
