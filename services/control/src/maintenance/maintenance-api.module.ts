import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { MaintenanceController } from './maintenance.controller';
import { MaintenanceModule } from './maintenance.module';

/**
 * `/api/sensors/<id>/maintenance`. Apart from `MaintenanceModule` because its POST runs
 * commands (the command handlers need `MaintenanceModule` themselves).
 */
@Module({
  imports: [MaintenanceModule, CommandsModule],
  controllers: [MaintenanceController],
})
export class MaintenanceApiModule {}
