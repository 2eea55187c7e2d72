import { Module } from '@nestjs/common';
import { SetpointStore } from '../config/setpoint-store';
import { HardwareModule } from '../hardware/hardware.module';
import { ControlLifecycle } from './control-lifecycle';
import { ControlLoopService } from './control-loop.service';
import { ControlRequests, ControlView } from './control.facades';

/**
 * The control loop and its setpoints. Its public face is three narrow facades: `ControlView`
 * for transports and reporting links (read, follow ticks, report a condition),
 * `ControlRequests` for the command handlers, `ControlLifecycle` for start and emergency stop.
 */
@Module({
  imports: [HardwareModule],
  providers: [
    SetpointStore,
    ControlLoopService,
    { provide: ControlView, useExisting: ControlLoopService },
    { provide: ControlRequests, useExisting: ControlLoopService },
    { provide: ControlLifecycle, useExisting: ControlLoopService },
  ],
  exports: [SetpointStore, ControlView, ControlRequests, ControlLifecycle],
})
export class ControlModule {}
