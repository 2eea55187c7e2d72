import { z } from 'zod';
import { isoTimestamp } from './common';

/**
 * Signal quality of one channel sample (see docs/safety.md):
 * - `good`: 3.8–20.5 mA;
 * - `uncertain`: 3.6–3.8 or 20.5–21.0 mA, value clamped to the range and flagged;
 * - `bad`: below 3.6 or above 21.0 mA (NAMUR NE43 wire break / transmitter fault);
 * - `stale`: read failed or no fresh sample for 3 periods;
 * - `warmup`: transmitter still warming up, nothing trusted yet.
 */
export const QUALITIES = ['good', 'uncertain', 'bad', 'stale', 'warmup'] as const;
export const qualitySchema = z.enum(QUALITIES);
export type Quality = z.infer<typeof qualitySchema>;

/** Qualities whose value may be used as a measurement (value is non-null). */
export function isUsableQuality(quality: Quality): boolean {
  return quality === 'good' || quality === 'uncertain';
}

export const channelIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be lower-case letters, digits and _, max 32 characters');

/** A two-letter language code (ISO 639-1) for labels given per language. */
export const languageCodeSchema = z.string().regex(/^[a-z]{2}$/, 'a two-letter language code');

/**
 * A channel reading: `value` is null when quality is bad, stale or warmup. `label` is the
 * configured (English) name; `labels` the same name in other languages, by language code.
 */
export const channelReadingSchema = z.strictObject({
  id: channelIdSchema,
  label: z.string(),
  labels: z.record(languageCodeSchema, z.string()).optional(),
  value: z.number().nullable(),
  unit: z.string(),
  mA: z.number().nullable(),
  quality: qualitySchema,
  ts: isoTimestamp,
});
export type ChannelReading = z.infer<typeof channelReadingSchema>;
