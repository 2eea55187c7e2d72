import type { CommandArgs, MaintenanceRecord, SensorTest } from '@cryopilot/protocol';

/**
 * What the command handlers need of the maintenance records (the handlers stay free of its
 * storage): record a finished bump test, a calibration, a new cell. Each resolves with the
 * record, or rejects when it could not be saved (a full disk).
 */
export abstract class SensorMaintenance {
  /** Default length of a declared test (minutes). */
  abstract readonly testDefaultMinutes: number;
  abstract recordBumpTest(
    test: SensorTest,
    args: CommandArgs<'sensor.test.end'>,
    user: string,
  ): Promise<MaintenanceRecord>;
  abstract recordCalibration(
    args: CommandArgs<'sensor.calibration'>,
    user: string,
  ): Promise<MaintenanceRecord>;
  abstract recordInstall(
    args: CommandArgs<'sensor.install'>,
    user: string,
  ): Promise<MaintenanceRecord>;
}
