import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ControlModule } from '../control/control.module';
import { NotificationTests } from './notification-tests';
import { NotificationsService } from './notifications.service';

/**
 * Email, ntfy and webhook notifications of alarm transitions; off without channels. Its face
 * to the rest of the service is `NotificationTests` (the admin's test command).
 */
@Module({
  imports: [AuditModule, ControlModule],
  providers: [
    NotificationsService,
    { provide: NotificationTests, useExisting: NotificationsService },
  ],
  exports: [NotificationTests, NotificationsService],
})
export class NotificationsModule {}
