import { Module } from '@nestjs/common';
import { SetpointStore } from '../config/setpoint-store';
import { HardwareModule } from '../hardware/hardware.module';
import { ControlLoopService } from './control-loop.service';

/** The control loop and its setpoints: what every reporting link and transport builds on. */
@Module({
  imports: [HardwareModule],
  providers: [SetpointStore, ControlLoopService],
  exports: [SetpointStore, ControlLoopService],
})
export class ControlModule {}
