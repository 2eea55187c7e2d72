import { z } from 'zod';

// Schemas are functions, built when the configuration is read (see config/config.schema.ts).

/** `maintenance`: O2 sensor bump tests, calibrations and cell life (issue 12). */
export const maintenanceConfigSchema = () =>
  z
    .strictObject({
      /** A bump test is due this long after the last one (or after tracking began). */
      bumpTestIntervalDays: z.number().min(1).max(365).default(30),
      /** A calibration is due this long after the last one. */
      calibrationIntervalDays: z.number().min(1).max(3650).default(180),
      /** The `o2_maintenance_due` advisory this long before a cell's expected end of life. */
      endOfLifeWarningDays: z.number().min(0).max(365).default(60),
      /** A declared test ends by itself after this long unless asked otherwise (minutes). */
      testDefaultMinutes: z.number().int().min(1).max(60).default(15),
      /** A bump test passes when the lowest reading came within this of the test gas (%vol). */
      bumpTolerancePct: z.number().min(0.1).max(10).default(1),
    })
    .prefault({});

export type MaintenanceSettings = z.output<ReturnType<typeof maintenanceConfigSchema>>;
