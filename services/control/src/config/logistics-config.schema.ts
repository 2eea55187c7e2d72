import { z } from 'zod';

// Schemas are functions, built when the configuration is read (see config/config.schema.ts).

/**
 * `logistics`: the fill history, the consumption figures and forecasts, and the two early
 * warnings (`boiloff_high`, `supply_slow`). Durations are on the control clock (simulated time
 * under `SIM_SPEED`), so the warnings can be shown at high time scale.
 */
const warningFields = (defaults: { factor: number; deadband: number }) => ({
  /** Raised when the figure is this many times its usual value… */
  factor: z.number().min(1.1).max(10).default(defaults.factor),
  /** …and cleared only once it is back below `factor − deadband` (no flapping). */
  deadband: z.number().min(0).max(5).default(defaults.deadband),
});

export const logisticsConfigSchema = () =>
  z
    .strictObject({
      /** Fills kept on the data volume (`fills.jsonl`), newest first in the API. */
      maxFills: z.number().int().min(10).max(100_000).default(1000),
      /** The dewar's capacity: consumption is also given in litres/day. */
      dewarCapacityL: z.number().positive().max(100_000).optional(),
      /** Level samples this long after a fill are not used for the rate (the liquid settles). */
      settleS: z.number().min(0).max(7200).default(300),
      /** The consumption rate and the forecasts use this much recent level data (h). */
      rateWindowH: z.number().min(0.5).max(168).default(6),
      /** `fillsPerDay` counts the fills in this much recent history (h). */
      fillsWindowH: z
        .number()
        .min(1)
        .max(24 * 30)
        .default(72),
      /** Vacuum loss: the recent rate against its own baseline. */
      boiloff: z
        .strictObject({
          ...warningFields({ factor: 1.5, deadband: 0.2 }),
          /** The recent rate: this many hours (at least half of it measured). */
          recentH: z.number().min(0.5).max(168).default(6),
          /** The baseline: up to this many hours before the recent window… */
          baselineH: z
            .number()
            .min(1)
            .max(24 * 60)
            .default(168),
          /** …and at least this many measured before the warning is armed. */
          minBaselineH: z
            .number()
            .min(0.5)
            .max(24 * 60)
            .default(24),
        })
        .prefault({}),
      /** Supply running low or an iced line: fills slower than usual. */
      supply: z
        .strictObject({
          ...warningFields({ factor: 1.5, deadband: 0.2 }),
          /** The usual fill speed is the median of this many recent normal fills… */
          usualFills: z.number().int().min(1).max(100).default(10),
          /** …and needs at least this many before the warning is armed. */
          minUsualFills: z.number().int().min(1).max(100).default(3),
        })
        .prefault({}),
    })
    .prefault({})
    .superRefine((c, ctx) => {
      for (const key of ['boiloff', 'supply'] as const) {
        if (c[key].factor - c[key].deadband <= 1) {
          ctx.addIssue({
            code: 'custom',
            path: [key, 'deadband'],
            message: `factor − deadband must stay above 1 (got ${c[key].factor} − ${c[key].deadband})`,
          });
        }
      }
      if (c.boiloff.minBaselineH > c.boiloff.baselineH) {
        ctx.addIssue({
          code: 'custom',
          path: ['boiloff', 'minBaselineH'],
          message: 'must be <= baselineH',
        });
      }
      if (c.supply.minUsualFills > c.supply.usualFills) {
        ctx.addIssue({
          code: 'custom',
          path: ['supply', 'minUsualFills'],
          message: 'must be <= usualFills',
        });
      }
    });

export type LogisticsSettings = z.output<ReturnType<typeof logisticsConfigSchema>>;
