import {
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import type {
  CommandArgs,
  MaintenanceRecord,
  SensorMaintenance as SensorMaintenanceView,
  SensorTest,
} from '@cryopilot/protocol';
import { join } from 'node:path';
import { Clock } from '../clock/clock';
import { MAINTENANCE_CONFIG, MaintenanceConfig } from '../config/config.slices';
import { ControlView } from '../control/control.facades';
import type { SensorTestEnd } from '../control/sensor-tests';
import { AtomicJsonFile } from '../persistence/atomic-json-file';
import { SerialQueue } from '../persistence/serial-queue';
import { dueDates, SensorFile } from './maintenance-due';
import { MAX_RECORDS_PER_SENSOR, SensorsFile, sensorsFileSchema } from './maintenance-file';
import { SensorMaintenance } from './sensor-maintenance';

export const MAINTENANCE_ALARM_ID = 'o2_maintenance_due';
/** Due dates move in days: checking hourly is plenty. */
const CHECK_INTERVAL_MS = 3_600_000;

/**
 * O2 sensor maintenance records (`<dataDir>/sensors.json`): bump tests, calibrations, cell
 * installation; their due dates; the advisory `o2_maintenance_due` when any is due. Tests that
 * ended by themselves (time up, the other sensor stopped reading) are put on record as not
 * passed, so an interrupted bump test never counts as done.
 */
@Injectable()
export class MaintenanceService
  extends SensorMaintenance
  implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown
{
  private readonly logger = new Logger(MaintenanceService.name);
  private readonly file: AtomicJsonFile<SensorsFile>;
  private readonly o2Ids: string[];
  private data: SensorsFile = { sensors: {} };
  private stopTicks: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private dueActive = false;
  /** One change at a time: each builds on the one before (a command and an expired test). */
  private readonly changes = new SerialQueue();

  constructor(
    @Inject(MAINTENANCE_CONFIG.token) private readonly config: MaintenanceConfig,
    private readonly clock: Clock,
    private readonly control: ControlView,
  ) {
    super();
    this.file = new AtomicJsonFile(
      join(config.dataDir, 'sensors.json'),
      sensorsFileSchema,
      this.logger,
    );
    this.o2Ids = config.channels.filter((c) => c.role === 'o2').map((c) => c.id);
  }

  get testDefaultMinutes(): number {
    return this.config.maintenance.testDefaultMinutes;
  }

  async onModuleInit(): Promise<void> {
    const read = await this.file.read();
    for (const problem of read.problems) this.logger.warn(problem);
    this.data = read.value ?? { sensors: {} };
    const now = this.nowIso();
    let added = false;
    for (const id of this.o2Ids) {
      if (this.data.sensors[id]) continue;
      this.data.sensors[id] = {
        trackedSince: now,
        installedOn: null,
        expectedLifeMonths: null,
        records: [],
      };
      added = true;
    }
    if (added) await this.save().catch((e: unknown) => this.logger.warn(String(e)));
    this.stopTicks = this.control.onTick('maintenance', (outcome) => {
      for (const ended of outcome.sensorTestsEnded) void this.recordEnded(ended.test, ended.reason);
    });
    this.checkDue();
    this.timer = setInterval(() => this.checkDue(), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    this.stopTicks?.();
    this.stopTicks = null;
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** `GET /api/sensors/<id>/maintenance`; null for a sensor that is not an O2 sensor. */
  view(sensorId: string): SensorMaintenanceView | null {
    const sensor = this.data.sensors[sensorId];
    if (!this.o2Ids.includes(sensorId) || !sensor) return null;
    const due = dueDates(sensor, this.config.maintenance, this.clock.wallMs());
    return {
      sensorId,
      installedOn: sensor.installedOn,
      expectedLifeMonths: sensor.expectedLifeMonths,
      underTest: this.control.snapshot().sensorTests?.find((t) => t.sensorId === sensorId) ?? null,
      ...due,
      records: [...sensor.records].reverse(),
    };
  }

  recordBumpTest(
    test: SensorTest,
    args: CommandArgs<'sensor.test.end'>,
    user: string,
  ): Promise<MaintenanceRecord> {
    const tolerance = this.config.maintenance.bumpTolerancePct;
    const responded =
      test.lowestPct !== null && Math.abs(test.lowestPct - args.referenceGasPct) <= tolerance;
    return this.add(test.sensorId, {
      kind: 'bump',
      ts: this.nowIso(),
      by: user,
      referenceGasPct: args.referenceGasPct,
      readingBeforePct: test.readingAtStartPct,
      readingAfterPct: test.lowestPct,
      passed: args.passed ?? responded,
      ...(args.comment ? { comment: args.comment } : {}),
    });
  }

  recordCalibration(
    args: CommandArgs<'sensor.calibration'>,
    user: string,
  ): Promise<MaintenanceRecord> {
    return this.add(args.sensorId, {
      kind: 'calibration',
      ts: this.nowIso(),
      by: user,
      referenceGasPct: args.referenceGasPct,
      readingBeforePct: args.readingBeforePct,
      readingAfterPct: args.readingAfterPct,
      passed: args.passed,
      ...(args.comment ? { comment: args.comment } : {}),
    });
  }

  async recordInstall(
    args: CommandArgs<'sensor.install'>,
    user: string,
  ): Promise<MaintenanceRecord> {
    const record: MaintenanceRecord = {
      kind: 'install',
      ts: this.nowIso(),
      by: user,
      referenceGasPct: null,
      readingBeforePct: null,
      readingAfterPct: null,
      passed: null,
      comment: `installed ${args.installedOn}, expected life ${args.expectedLifeMonths} months${
        args.comment ? `: ${args.comment}` : ''
      }`,
    };
    return this.add(args.sensorId, record, {
      installedOn: args.installedOn,
      expectedLifeMonths: args.expectedLifeMonths,
    });
  }

  private async recordEnded(test: SensorTest, reason: SensorTestEnd): Promise<void> {
    const why =
      reason === 'expired'
        ? 'test time up without a result'
        : 'ended because no other O2 sensor was reading';
    this.logger.warn(`O2 sensor ${test.sensorId} back in service: ${why}`);
    await this.add(test.sensorId, {
      kind: 'bump',
      ts: this.nowIso(),
      by: test.by,
      referenceGasPct: null,
      readingBeforePct: test.readingAtStartPct,
      readingAfterPct: test.lowestPct,
      passed: false,
      comment: why,
    }).catch((error: unknown) =>
      this.logger.error(`maintenance record not saved: ${String(error)}`),
    );
  }

  /** Adds a record (and cell data), saves, re-checks the due dates. Rejects when not saved. */
  private add(
    sensorId: string,
    record: MaintenanceRecord,
    cell?: Pick<SensorFile, 'installedOn' | 'expectedLifeMonths'>,
  ): Promise<MaintenanceRecord> {
    return this.changes.run(() => this.addNow(sensorId, record, cell));
  }

  private async addNow(
    sensorId: string,
    record: MaintenanceRecord,
    cell?: Pick<SensorFile, 'installedOn' | 'expectedLifeMonths'>,
  ): Promise<MaintenanceRecord> {
    const before = this.data.sensors[sensorId];
    if (!before || !this.o2Ids.includes(sensorId)) {
      throw new RangeError(`${sensorId} is not an O2 sensor`);
    }
    const records = [...before.records, record].slice(-MAX_RECORDS_PER_SENSOR);
    const next: SensorsFile = {
      sensors: { ...this.data.sensors, [sensorId]: { ...before, ...cell, records } },
    };
    // Saved first: what the API shows is what survives a restart.
    await this.file.write(next);
    this.data = next;
    this.checkDue();
    return record;
  }

  private save(): Promise<void> {
    return this.file.write(this.data);
  }

  private checkDue(): void {
    const now = this.clock.wallMs();
    const due = this.o2Ids.filter((id) => {
      const sensor = this.data.sensors[id];
      return sensor && dueDates(sensor, this.config.maintenance, now).due.length > 0;
    });
    const active = due.length > 0;
    if (active === this.dueActive) return;
    this.dueActive = active;
    this.control.reportCondition(MAINTENANCE_ALARM_ID, active);
    if (active) this.logger.warn(`O2 sensor maintenance due: ${due.join(', ')}`);
  }

  private nowIso(): string {
    return new Date(this.clock.wallMs()).toISOString();
  }
}
