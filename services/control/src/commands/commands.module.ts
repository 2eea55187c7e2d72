import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ControlModule } from '../control/control.module';
import { MaintenanceModule } from '../maintenance/maintenance.module';
import { NotificationTestsModule } from '../notifications/notification-tests.module';
import { CommandBus } from './command-bus';
import { CommandHandlers } from './command-handlers';
import { ModeReturnAudit } from './mode-return-audit';

/** The one command bus, shared by HTTP, WebSocket and MQTT. */
@Module({
  imports: [ControlModule, AuditModule, MaintenanceModule, NotificationTestsModule],
  providers: [CommandHandlers, CommandBus, ModeReturnAudit],
  exports: [CommandBus],
})
export class CommandsModule {}
