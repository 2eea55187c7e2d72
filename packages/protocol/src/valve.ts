import { z } from 'zod';
import { isoTimestamp } from './common';
import { interlockSchema } from './interlocks';
import { valveReasonCodeSchema, valveReasonParamsSchema } from './valve-reason';

export * from './interlocks';

export const MODES = ['auto', 'manual'] as const;
export const modeSchema = z.enum(MODES);
export type Mode = z.infer<typeof modeSchema>;

/** Why `valve.open` would be refused now (roles aside): the mode, or a blocking interlock. */
export const openBlockerSchema = z.union([z.literal('auto_mode'), interlockSchema]);
export type OpenBlocker = z.infer<typeof openBlockerSchema>;

/** The valve as the service drives it. `output` is 0..100 % (0 = closed). */
export const valveStateSchema = z.strictObject({
  open: z.boolean(),
  output: z.number().min(0).max(100),
  mode: modeSchema,
  /** Why, in English (logs, MQTT dashboards); `reasonCode` + `reasonParams` for translation. */
  reason: z.string(),
  reasonCode: valveReasonCodeSchema,
  reasonParams: valveReasonParamsSchema,
  interlocks: z.array(interlockSchema),
  since: isoTimestamp,
  /** When a manual open ends by itself (null unless manually open). */
  manualUntil: isoTimestamp.nullable(),
  /** When manual mode returns to auto by itself (`manualAutoReturnS`); null in auto or off. */
  autoReturnAt: isoTimestamp.nullable(),
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
