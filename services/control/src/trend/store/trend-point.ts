import { alarmIdSchema, severitySchema, TREND_EVENT_KINDS } from '@cryopilot/protocol';
import { z } from 'zod';

/** min, max and last usable value of a channel over one period; null when none was usable. */
const rangeSchema = z.tuple([z.number(), z.number(), z.number()]).nullable();

/**
 * One line of `trend.jsonl` summing up one period of samples (10 s by default): per channel
 * id `[min, max, last]`, the valve's `[max, last]` output. Short keys: the line is written
 * some 8 640 times a day on an SD card.
 */
export const trendPointSchema = z.strictObject({
  /** Time of the period's last sample, ms since epoch. */
  t: z.number(),
  c: z.record(z.string(), rangeSchema),
  v: z.tuple([z.number(), z.number()]),
});
export type TrendPoint = z.infer<typeof trendPointSchema>;

/** A marker (alarm raised, fill started or ended), as stored: `e` tells it from a point. */
export const storedEventSchema = z.strictObject({
  t: z.number(),
  e: z.enum(TREND_EVENT_KINDS),
  a: alarmIdSchema.optional(),
  s: severitySchema.optional(),
});
export type StoredEvent = z.infer<typeof storedEventSchema>;

export type TrendLine = TrendPoint | StoredEvent;

export const isEvent = (line: TrendLine): line is StoredEvent => 'e' in line;

/** Decodes one parsed line of the store; null rejects it (counted as skipped). */
export function decodeTrendLine(value: unknown): TrendLine | null {
  const point = trendPointSchema.safeParse(value);
  if (point.success) return point.data;
  const event = storedEventSchema.safeParse(value);
  return event.success ? event.data : null;
}
