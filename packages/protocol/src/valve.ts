import { z } from 'zod';
import { isoTimestamp } from './common';

export const MODES = ['auto', 'manual'] as const;
export const modeSchema = z.enum(MODES);
export type Mode = z.infer<typeof modeSchema>;

/**
 * Reasons why the valve may not open. Each is shown to the operator and published.
 * `startup`: level not yet good for enough samples since start.
 */
export const INTERLOCKS = [
  'startup',
  'hardware_fault',
  'level_sensor_fault',
  'level_high_high',
  'o2_low_low',
  'o2_unavailable',
  'o2_under_test',
  'fill_timeout',
] as const;
export const interlockSchema = z.enum(INTERLOCKS);
export type Interlock = z.infer<typeof interlockSchema>;

/** Why `valve.open` would be refused now (roles aside): the mode, or a blocking interlock. */
export const openBlockerSchema = z.union([z.literal('auto_mode'), interlockSchema]);
export type OpenBlocker = z.infer<typeof openBlockerSchema>;

/** The valve as the service drives it. `output` is 0..100 % (0 = closed). */
export const valveStateSchema = z.strictObject({
  open: z.boolean(),
  output: z.number().min(0).max(100),
  mode: modeSchema,
  reason: z.string(),
  interlocks: z.array(interlockSchema),
  since: isoTimestamp,
  /** When a manual open ends by itself (null unless manually open). */
  manualUntil: isoTimestamp.nullable(),
  /**
   * Whether the service would accept `valve.open` now (roles aside) and what blocks it: the
   * page shows this instead of re-deriving the rules (a watched manual fill is allowed under
   * `fill_timeout`, for instance).
   */
  manualOpen: z.strictObject({
    allowed: z.boolean(),
    blockedBy: z.array(openBlockerSchema),
  }),
});
export type ValveState = z.infer<typeof valveStateSchema>;
