import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { HEALTH_CONFIG, HealthConfig } from '../config/config.slices';
import { ControlLifecycle } from '../control/control-lifecycle';
import { ControlView } from '../control/control.facades';
import { FatalHealthJudge } from './fatal-health';

const CHECK_EVERY_MS = 1000;
/** Exit code for "restart me": same as a dead control loop. */
const EXIT_CODE = 70;

/**
 * In production mode (`NODE_ENV=production`, the container), exits when health is lost for
 * `hardware.exitAfterDownS` (valve made safe first), so that `restart: unless-stopped` brings
 * a fresh process; at start-up that process makes the valve safe again before anything else.
 * During development and tests (injected card faults) the service keeps running.
 */
@Injectable()
export class FatalHealthWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FatalHealthWatch.name);
  private timer: NodeJS.Timeout | null = null;
  private lastTickMono: number | null = null;
  private lastTickCount = -1;

  constructor(
    @Inject(HEALTH_CONFIG.token) private readonly config: HealthConfig,
    private readonly control: ControlView,
    private readonly lifecycle: ControlLifecycle,
  ) {}

  onApplicationBootstrap(): void {
    const limitS = this.config.hardware.exitAfterDownS;
    if (process.env.NODE_ENV !== 'production' || limitS === 0) return;
    const judge = new FatalHealthJudge(limitS * 1000);
    this.timer = setInterval(() => this.check(judge), CHECK_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private check(judge: FatalHealthJudge): void {
    const health = this.control.health();
    // Real elapsed time, also when the simulator accelerates the control clock.
    const now = performance.now();
    if (health.ticks !== this.lastTickCount) {
      this.lastTickCount = health.ticks;
      this.lastTickMono = now;
    }
    const reason = judge.check(
      { hardwareOk: health.hardwareOk, lastTickMono: this.lastTickMono, nowMono: now },
      this.config.samplePeriodMs,
    );
    if (reason === null) return;
    this.onApplicationShutdown();
    this.logger.error(`health lost: ${reason}; exiting so that the container is restarted`);
    // Safe state first; if the loop is stuck and that hangs too, the timer still exits.
    setTimeout(() => process.exit(EXIT_CODE), 2000).unref();
    void this.lifecycle
      .emergencyStop(`health lost: ${reason}`)
      .finally(() => setTimeout(() => process.exit(EXIT_CODE), 100).unref());
  }
}
