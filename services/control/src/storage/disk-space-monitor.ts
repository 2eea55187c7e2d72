import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { HealthCheck } from '@cryopilot/protocol';
import { HEALTH_CONFIG, HealthConfig } from '../config/config.slices';
import { ControlView } from '../control/control.facades';
import { DiskSpace, DiskSpaceCondition, describeSpace, readDiskSpace } from './disk-space';

export const DISK_SPACE_ALARM_ID = 'disk_space_low';

/**
 * Watches the free space of the data disk, so that a filling SD card is seen before writes
 * fail: below `storage.minFreeMb` the warning alarm `disk_space_low` is raised (applied at the
 * next sample, like every condition reported from outside the loop) and health is degraded.
 * A failed reading is reported in health, never thrown; control does not depend on the disk.
 */
@Injectable()
export class DiskSpaceMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DiskSpaceMonitor.name);
  private readonly condition: DiskSpaceCondition;
  private timer: NodeJS.Timeout | null = null;
  private last: DiskSpace | null = null;
  private lastError: string | null = null;

  constructor(
    @Inject(HEALTH_CONFIG.token) private readonly config: HealthConfig,
    private readonly control: ControlView,
  ) {
    this.condition = new DiskSpaceCondition(config.storage.minFreeMb);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.config.storage.checkIntervalS * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The data disk as health reports it. */
  health(): HealthCheck {
    if (this.lastError !== null) return { status: 'degraded', detail: this.lastError };
    if (this.last === null) return { status: 'ok' };
    const detail = describeSpace(this.last);
    return this.condition.isLow
      ? { status: 'degraded', detail: `data disk almost full: ${detail}` }
      : { status: 'ok', detail };
  }

  /** Reads the free space now (also on the timer). */
  async check(): Promise<void> {
    try {
      this.last = await readDiskSpace(this.config.dataDir);
      this.lastError = null;
    } catch (error) {
      // The code only: health is public, and the message would show the data path.
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      this.lastError = `free space of the data disk unknown (${code})`;
      return;
    }
    const change = this.condition.update(this.last);
    if (change === null) return;
    this.control.reportCondition(DISK_SPACE_ALARM_ID, change);
    const what = describeSpace(this.last);
    if (change) {
      this.logger.error(
        `data disk almost full (${what}, limit ${this.config.storage.minFreeMb} MB): ` +
          `alarm ${DISK_SPACE_ALARM_ID} raised`,
      );
    } else {
      this.logger.log(`data disk has room again (${what}): ${DISK_SPACE_ALARM_ID} cleared`);
    }
  }
}
