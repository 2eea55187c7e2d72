import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../clock/testing/manual-clock';
import { appConfigSchema } from '../config/config.schema';
import type { ControlView } from '../control/control.facades';
import { MaintenanceService } from './maintenance.service';

describe('MaintenanceService', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'maintenance-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  function service() {
    const config = appConfigSchema().parse({ deviceId: 'unit', dataDir: dir });
    const reportCondition = jest.fn();
    const control = {
      onTick: () => () => undefined,
      reportCondition,
      snapshot: () => ({ sensorTests: [] }),
    } as unknown as ControlView;
    const svc = new MaintenanceService(config, new ManualClock(), control);
    return { svc, reportCondition };
  }

  it('changes made at once all land (each builds on the one before), and survive a restart', async () => {
    const { svc } = service();
    await svc.onModuleInit();
    const calibration = (n: number) =>
      svc.recordCalibration(
        {
          sensorId: 'o2_1',
          referenceGasPct: 20.9,
          readingBeforePct: 20 + n / 10,
          readingAfterPct: 20.9,
          passed: true,
        },
        'tech',
      );
    await Promise.all([1, 2, 3, 4].map(calibration));
    expect(svc.view('o2_1')?.records).toHaveLength(4);
    svc.onApplicationShutdown();
    const again = service().svc;
    await again.onModuleInit();
    expect(
      again
        .view('o2_1')
        ?.records.map((r) => r.readingBeforePct)
        .sort(),
    ).toEqual([20.1, 20.2, 20.3, 20.4]);
    again.onApplicationShutdown();
  });

  it('a record for anything but an O2 sensor is refused; views exist only for O2 sensors', async () => {
    const { svc } = service();
    await svc.onModuleInit();
    await expect(
      svc.recordInstall(
        { sensorId: 'ln2_level', installedOn: '2026-01-01', expectedLifeMonths: 24 },
        'admin',
      ),
    ).rejects.toThrow(RangeError);
    expect(svc.view('ln2_level')).toBeNull();
    expect(svc.view('o2_2')?.due).toEqual([]);
    svc.onApplicationShutdown();
  });
});
