import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ControlModule } from '../control/control.module';
import { NotificationTestsModule } from './notification-tests.module';
import { NotificationsService } from './notifications.service';

/** Email, ntfy and webhook notifications of alarm transitions; off without channels. */
@Module({
  imports: [AuditModule, ControlModule, NotificationTestsModule],
  providers: [NotificationsService],
  exports: [NotificationsService],
})
export class NotificationsModule {}
