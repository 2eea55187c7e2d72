import { Module } from '@nestjs/common';
import { ControlModule } from '../control/control.module';
import { FillsController } from './fills.controller';
import { FillsService } from './fills.service';

/** The fill history: persisted on the data volume, served at `/api/fills`. */
@Module({
  imports: [ControlModule],
  controllers: [FillsController],
  providers: [FillsService],
  exports: [FillsService],
})
export class FillsModule {}
