import { Module } from '@nestjs/common';
import { ControlModule } from '../control/control.module';
import { ConsumptionController } from './consumption.controller';
import { ConsumptionService } from './consumption.service';

/** LN2 consumption, forecasts and the boil-off and supply warnings (`/api/consumption`). */
@Module({
  imports: [ControlModule],
  controllers: [ConsumptionController],
  providers: [ConsumptionService],
  exports: [ConsumptionService],
})
export class ConsumptionModule {}
