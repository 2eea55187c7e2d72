import { AuditModule } from '../audit/audit.module';
import { Module } from '@nestjs/common';
import { ControlModule } from '../control/control.module';
import { HardwareModule } from '../hardware/hardware.module';
import { DiagnosticsService } from './diagnostics.service';
import { FatalHealthWatch } from './fatal-health-watch';
import { HealthService } from './health.service';
import { DiskSpaceMonitor } from '../storage/disk-space-monitor';

/**
 * Health (`/api/health`), diagnostics (`/api/diagnostics`), the data disk's free space and, in
 * production, the exit when health is lost for good (Compose never restarts an unhealthy
 * container).
 */
@Module({
  imports: [ControlModule, HardwareModule, AuditModule],
  providers: [HealthService, DiagnosticsService, FatalHealthWatch, DiskSpaceMonitor],
  exports: [HealthService, DiagnosticsService],
})
export class HealthModule {}
