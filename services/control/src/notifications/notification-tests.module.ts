import { Module } from '@nestjs/common';
import { NotificationTests } from './notification-tests';

/** The admin's test command's way in (see `NotificationTests`). */
@Module({ providers: [NotificationTests], exports: [NotificationTests] })
export class NotificationTestsModule {}
