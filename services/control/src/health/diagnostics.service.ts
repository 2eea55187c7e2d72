import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail } from '../audit/audit-trail';
import { HEALTH_CONFIG, HealthConfig } from '../config/config.slices';
import { ControlView } from '../control/control.facades';
import { MegaindCard } from '../hardware/megaind/megaind-card';
import { readDiskSpace } from '../storage/disk-space';
import { LinkRegistry } from '../links/link-registry';

/**
 * `/api/diagnostics`: what the loop last read from the card (never a bus access of its own:
 * only the control loop touches the card), bus counters, links, disk and process figures.
 */
@Injectable()
export class DiagnosticsService {
  constructor(
    @Inject(HEALTH_CONFIG.token) private readonly config: HealthConfig,
    private readonly control: ControlView,
    private readonly card: MegaindCard,
    private readonly links: LinkRegistry,
    private readonly audit: AuditTrail,
  ) {}

  async collect() {
    const loop = this.control.health();
    return {
      deviceId: this.config.deviceId,
      hardware: {
        driver: this.config.hardware.driver,
        address: `0x${this.card.address.toString(16)}`,
        firmware: loop.firmware?.text ?? null,
        cpuTempC: loop.diagnostics?.cpuTempC ?? null,
        supplyV: loop.diagnostics?.supplyV ?? null,
        pi5vV: loop.diagnostics?.pi5vV ?? null,
        diagnosticsTs: loop.diagnostics?.ts ?? null,
        i2c: this.card.stats(),
        watchdog: {
          enabled: this.config.hardware.watchdog.enabled,
          periodS: this.config.hardware.watchdog.periodS,
          /** The card's registers read back equal to the configured settings. */
          configured: loop.watchdogConfigured,
          reloads: loop.watchdogReloads,
        },
      },
      controlLoop: {
        periodMs: this.config.samplePeriodMs,
        ticks: loop.ticks,
        consecutiveFailures: loop.consecutiveFailures,
        dead: loop.dead,
        supervisor: this.config.control.supervisor,
        jitterMs: this.control.jitter(),
      },
      links: { ...this.links.snapshot(), ...this.links.extraSnapshot() },
      disk: await this.disk(),
      audit: this.auditFigures(),
      process: {
        uptimeS: Math.round(process.uptime()),
        rssMb: Math.round(process.memoryUsage().rss / 1048576),
        node: process.version,
      },
    };
  }

  /** Whether the audit runs on its full-disk reserve, and what a full disk kept out of it. */
  private auditFigures() {
    const { accepted, refused, refusedNotWritten } = this.audit.stats();
    return {
      acceptedOnDisk: accepted.recordsOnDisk,
      refusedOnDisk: refused.recordsOnDisk,
      corruptLines: accepted.corruptLines + refused.corruptLines,
      reserve: accepted.reserve,
      refusedNotWritten,
    };
  }

  private async disk() {
    try {
      const space = await readDiskSpace(this.config.dataDir);
      return {
        freeMb: Math.round(space.freeBytes / 1048576),
        totalMb: Math.round(space.totalBytes / 1048576),
      };
    } catch (error) {
      // The data directory may be missing or unreadable; report it instead of failing the page
      // (the error code only: the message would show the path to every viewer).
      return { error: `free space unknown (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  }
}
