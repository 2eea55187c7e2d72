import type { MaintenanceRecord } from '@cryopilot/protocol';
import { dueDates, SensorFile } from './maintenance-due';

const SETTINGS = {
  bumpTestIntervalDays: 30,
  calibrationIntervalDays: 180,
  endOfLifeWarningDays: 60,
  testDefaultMinutes: 15,
  bumpTolerancePct: 1,
};
const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (days: number) => new Date(T0 + days * DAY).toISOString();

function record(kind: 'bump' | 'calibration', days: number, passed: boolean): MaintenanceRecord {
  return {
    kind,
    ts: at(days),
    by: 'tech',
    referenceGasPct: 18,
    readingBeforePct: 20.9,
    readingAfterPct: 18.2,
    passed,
  };
}

const sensor = (over: Partial<SensorFile> = {}): SensorFile => ({
  trackedSince: at(0),
  installedOn: null,
  expectedLifeMonths: null,
  records: [],
  ...over,
});

describe('dueDates', () => {
  it('counts from when tracking began, then from the last passed test of each kind', () => {
    expect(dueDates(sensor(), SETTINGS, T0 + 29 * DAY).due).toEqual([]);
    expect(dueDates(sensor(), SETTINGS, T0 + 30 * DAY).due).toEqual(['bump_test']);
    const tested = sensor({ records: [record('bump', 25, true)] });
    expect(dueDates(tested, SETTINGS, T0 + 40 * DAY)).toMatchObject({
      due: [],
      bumpTestDue: at(55),
      lastBumpTest: { ts: at(25) },
    });
    expect(dueDates(tested, SETTINGS, T0 + 180 * DAY).due).toEqual(['bump_test', 'calibration']);
  });

  it('a failed test leaves the sensor due', () => {
    const failed = sensor({ records: [record('bump', 25, true), record('bump', 54, false)] });
    expect(dueDates(failed, SETTINGS, T0 + 56 * DAY)).toMatchObject({
      due: ['bump_test'],
      lastBumpTest: { ts: at(25) },
    });
  });

  it('a cell: installation starts the clocks; end of life warned endOfLifeWarningDays before', () => {
    const cell = sensor({ installedOn: '2026-01-01', expectedLifeMonths: 24 });
    expect(dueDates(cell, SETTINGS, T0).endOfLife).toBe('2028-01-01T00:00:00.000Z');
    const before = Date.parse('2027-11-01T00:00:00.000Z');
    expect(dueDates(cell, SETTINGS, before).due).not.toContain('end_of_life');
    expect(dueDates(cell, SETTINGS, before + 2 * DAY).due).toContain('end_of_life');
  });
});
