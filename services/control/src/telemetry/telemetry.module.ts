import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ControlModule } from '../control/control.module';
import { HardwareModule } from '../hardware/hardware.module';
import { TelemetryService } from './telemetry.service';

/** InfluxDB telemetry with an on-disk outbox; disabled without `telemetry.url`. */
@Module({
  imports: [AuditModule, HardwareModule, ControlModule],
  providers: [TelemetryService],
  exports: [TelemetryService],
})
export class TelemetryModule {}
