import { Module } from '@nestjs/common';
import { ControlModule } from '../control/control.module';
import { MaintenanceService } from './maintenance.service';
import { SensorMaintenance } from './sensor-maintenance';

/** O2 sensor maintenance records and due dates (the API is in `MaintenanceApiModule`). */
@Module({
  imports: [ControlModule],
  providers: [MaintenanceService, { provide: SensorMaintenance, useExisting: MaintenanceService }],
  exports: [MaintenanceService, SensorMaintenance],
})
export class MaintenanceModule {}
