import { z } from 'zod';
import { isoTimestamp } from './common';

/**
 * O2 sensor maintenance (issue 12): declared bump tests, calibrations, installation and
 * expected life. While a sensor is under a declared test its reading is not used for the O2
 * alarms and trip (test gas must not trip the plant), the other sensor keeps guarding the room,
 * and every fill is inhibited (`o2_under_test`).
 */

/** A declared test in progress (`GET /api/state` → `sensorTests`). */
export const sensorTestSchema = z.strictObject({
  sensorId: z.string(),
  by: z.string(),
  since: isoTimestamp,
  /** The sensor returns to service by itself at this time. */
  until: isoTimestamp,
  readingAtStartPct: z.number().nullable(),
  /** Lowest and highest readings during the test (the response to the test gas). */
  lowestPct: z.number().nullable(),
  highestPct: z.number().nullable(),
});
export type SensorTest = z.infer<typeof sensorTestSchema>;

export const MAINTENANCE_KINDS = ['bump', 'calibration', 'install'] as const;

/** One maintenance record of a sensor. */
export const maintenanceRecordSchema = z.strictObject({
  kind: z.enum(MAINTENANCE_KINDS),
  ts: isoTimestamp,
  by: z.string(),
  /** Test or span gas, %vol O2. */
  referenceGasPct: z.number().nullable(),
  readingBeforePct: z.number().nullable(),
  /** Bump: lowest reading under the test gas; calibration: reading after adjustment. */
  readingAfterPct: z.number().nullable(),
  /** Null for an install record; false for a bump test that ended without a result. */
  passed: z.boolean().nullable(),
  comment: z.string().optional(),
});
export type MaintenanceRecord = z.infer<typeof maintenanceRecordSchema>;

/** `GET /api/sensors/<id>/maintenance`. */
export const sensorMaintenanceSchema = z.strictObject({
  sensorId: z.string(),
  installedOn: z.iso.date().nullable(),
  expectedLifeMonths: z.number().nullable(),
  underTest: sensorTestSchema.nullable(),
  lastBumpTest: maintenanceRecordSchema.nullable(),
  lastCalibration: maintenanceRecordSchema.nullable(),
  /** When the next bump test / calibration is due, and when the cell reaches its end of life. */
  bumpTestDue: isoTimestamp,
  calibrationDue: isoTimestamp,
  endOfLife: isoTimestamp.nullable(),
  /** What is due now: `bump_test`, `calibration`, `end_of_life`. */
  due: z.array(z.enum(['bump_test', 'calibration', 'end_of_life'])),
  /** Newest first. */
  records: z.array(maintenanceRecordSchema),
});
export type SensorMaintenance = z.infer<typeof sensorMaintenanceSchema>;
