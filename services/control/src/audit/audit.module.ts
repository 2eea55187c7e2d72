import { Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG } from '../app/app.tokens';
import type { AppConfig } from '../config/config.schema';
import { AuditLog } from './audit-log';

@Injectable()
class AuditLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(private readonly audit: AuditLog) {}
  onModuleInit(): Promise<void> {
    return this.audit.open();
  }
  onApplicationShutdown(): Promise<void> {
    return this.audit.close();
  }
}

/** The bounded, rotated audit trail in `<dataDir>/audit/`. */
@Module({
  providers: [
    {
      provide: AuditLog,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new AuditLog({ dir: join(config.dataDir, 'audit') }),
    },
    AuditLifecycle,
  ],
  exports: [AuditLog],
})
export class AuditModule {}
