import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { HardwareModule } from '../hardware/hardware.module';
import { TelemetryService } from './telemetry.service';

/** InfluxDB telemetry with an on-disk outbox; disabled without `telemetry.url`. */
@Module({
  imports: [AuditModule, HardwareModule],
  providers: [TelemetryService],
  exports: [TelemetryService],
})
export class TelemetryModule {}
