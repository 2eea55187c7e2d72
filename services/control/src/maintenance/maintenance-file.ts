import { maintenanceRecordSchema } from '@cryopilot/protocol';
import { z } from 'zod';
import type { SensorFile } from './maintenance-due';

/** Records kept per sensor: years of monthly bump tests. */
export const MAX_RECORDS_PER_SENSOR = 200;

/** `<dataDir>/sensors.json`. */
export const sensorsFileSchema = z.strictObject({
  sensors: z.record(
    z.string(),
    z.strictObject({
      trackedSince: z.iso.datetime({ precision: 3 }),
      installedOn: z.iso.date().nullable(),
      expectedLifeMonths: z.number().nullable(),
      records: z.array(maintenanceRecordSchema),
    }),
  ),
}) satisfies z.ZodType<{ sensors: Record<string, SensorFile> }>;
export type SensorsFile = z.infer<typeof sensorsFileSchema>;
