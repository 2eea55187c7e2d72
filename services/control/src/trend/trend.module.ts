import { Module } from '@nestjs/common';
import { ControlModule } from '../control/control.module';
import { TrendService } from './trend.service';

/** Recent history for charts (`/api/trend`, WebSocket snapshots). */
@Module({
  imports: [ControlModule],
  providers: [TrendService],
  exports: [TrendService],
})
export class TrendModule {}
