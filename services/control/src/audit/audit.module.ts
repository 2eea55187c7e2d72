import { Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { join } from 'node:path';
import { STORAGE_CONFIG, StorageConfig } from '../config/config.slices';
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
      inject: [STORAGE_CONFIG.token],
      useFactory: (config: StorageConfig) => new AuditLog({ dir: join(config.dataDir, 'audit') }),
    },
    AuditLifecycle,
  ],
  exports: [AuditLog],
})
export class AuditModule {}
