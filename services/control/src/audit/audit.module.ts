import { Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { join } from 'node:path';
import { STORAGE_CONFIG, StorageConfig } from '../config/config.slices';
import { AuditLog } from './audit-log';
import { AuditTrail } from './audit-trail';

/** Refused commands: 1 MiB × 3 files, apart from the accepted ones (1 MiB × 5). */
const REFUSED_BOUND = { maxBytes: 1024 * 1024, maxFiles: 3 };
/**
 * Space kept for accepted commands on a full disk: about 300 records of the commands that
 * still run then (valve.close, alarm.ack; ~400 bytes each).
 */
const ACCEPTED_RESERVE_BYTES = 128 * 1024;

@Injectable()
class AuditLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(private readonly audit: AuditTrail) {}
  onModuleInit(): Promise<void> {
    return this.audit.open();
  }
  onApplicationShutdown(): Promise<void> {
    return this.audit.close();
  }
}

/** The bounded, rotated audit trail in `<dataDir>/audit/` (refused commands in `refused/`). */
@Module({
  providers: [
    {
      provide: AuditTrail,
      inject: [STORAGE_CONFIG.token],
      useFactory: (config: StorageConfig) => {
        const dir = join(config.dataDir, 'audit');
        return new AuditTrail(
          new AuditLog({ dir, reserveBytes: ACCEPTED_RESERVE_BYTES }),
          new AuditLog({ dir: join(dir, 'refused'), ...REFUSED_BOUND }),
        );
      },
    },
    AuditLifecycle,
  ],
  exports: [AuditTrail],
})
export class AuditModule {}
