import type { MaintenanceRecord } from '@cryopilot/protocol';
import type { MaintenanceSettings } from '../config/maintenance-config.schema';

/** What is kept per sensor (`sensors.json`). */
export interface SensorFile {
  /** When the service began tracking this sensor: the reference before any record. */
  trackedSince: string;
  installedOn: string | null;
  expectedLifeMonths: number | null;
  /** Oldest first, bounded. */
  records: MaintenanceRecord[];
}

export type DueItem = 'bump_test' | 'calibration' | 'end_of_life';

export interface DueDates {
  readonly lastBumpTest: MaintenanceRecord | null;
  readonly lastCalibration: MaintenanceRecord | null;
  readonly bumpTestDue: string;
  readonly calibrationDue: string;
  readonly endOfLife: string | null;
  readonly due: DueItem[];
}

const DAY_MS = 86_400_000;

/**
 * Due dates of one sensor (pure). Only a passed bump test or calibration resets its clock: a
 * failed one leaves the sensor due. Without any, the clock starts at installation, or when
 * tracking began. End of life: installation + expected life; warned `endOfLifeWarningDays`
 * before.
 */
export function dueDates(sensor: SensorFile, s: MaintenanceSettings, nowMs: number): DueDates {
  const lastPassed = (kind: 'bump' | 'calibration') =>
    [...sensor.records].reverse().find((r) => r.kind === kind && r.passed === true) ?? null;
  const lastBumpTest = lastPassed('bump');
  const lastCalibration = lastPassed('calibration');
  const start = sensor.installedOn ? `${sensor.installedOn}T00:00:00.000Z` : sensor.trackedSince;
  const from = (record: MaintenanceRecord | null) => Date.parse(record?.ts ?? start);
  const bumpTestDue = from(lastBumpTest) + s.bumpTestIntervalDays * DAY_MS;
  const calibrationDue = from(lastCalibration) + s.calibrationIntervalDays * DAY_MS;
  const endOfLife =
    sensor.installedOn && sensor.expectedLifeMonths !== null
      ? addMonths(Date.parse(`${sensor.installedOn}T00:00:00.000Z`), sensor.expectedLifeMonths)
      : null;
  const due: DueItem[] = [];
  if (nowMs >= bumpTestDue) due.push('bump_test');
  if (nowMs >= calibrationDue) due.push('calibration');
  if (endOfLife !== null && nowMs >= endOfLife - s.endOfLifeWarningDays * DAY_MS) {
    due.push('end_of_life');
  }
  return {
    lastBumpTest,
    lastCalibration,
    bumpTestDue: new Date(bumpTestDue).toISOString(),
    calibrationDue: new Date(calibrationDue).toISOString(),
    endOfLife: endOfLife === null ? null : new Date(endOfLife).toISOString(),
    due,
  };
}

function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.getTime();
}
