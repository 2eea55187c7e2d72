import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ControlLifecycle } from '../control/control-lifecycle';

/**
 * Starts the control loop's ticks last. It lives in the root module on purpose: Nest calls the
 * root module's bootstrap hooks after those of every imported module, so MQTT, telemetry and
 * the WebSocket gateway are subscribed before sample 1 (no gap in `seq` at start-up).
 */
@Injectable()
export class LoopStarter implements OnApplicationBootstrap {
  constructor(private readonly control: ControlLifecycle) {}

  onApplicationBootstrap(): void {
    this.control.startTicking();
  }
}
