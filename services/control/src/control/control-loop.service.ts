import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnModuleInit,
} from '@nestjs/common';
import type { StateSnapshot } from '@cryopilot/protocol';
import { Subject } from 'rxjs';
import { APP_CONFIG } from '../app/app.tokens';
import { Clock } from '../clock/clock';
import type { AppConfig } from '../config/config.schema';
import { SetpointStore } from '../config/setpoint-store';
import { MegaindCard } from '../hardware/megaind/megaind-card';
import { ValveOutput } from '../hardware/valve-output';
import { LinkRegistry } from '../links/link-registry';
import { LatchedAlarmsFile } from '../alarms/latched-alarms-file';
import { ControlLoop } from './control-loop';
import { ControlRuntime, TickOutcome } from './control-runtime';
import { TickScheduler } from './tick-scheduler';

/**
 * Runs the control loop at the configured period and owns its lifecycle: safe state first at
 * start-up, safe state before the bus closes at shutdown, process exit when the loop dies
 * (the container's restart policy brings it back, and start-up makes the valve safe again).
 */
@Injectable()
export class ControlLoopService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(ControlLoopService.name);
  readonly ticks$ = new Subject<TickOutcome>();
  private loopInstance: ControlLoop | null = null;
  private scheduler: TickScheduler | null = null;
  private readonly latchedAlarms: LatchedAlarmsFile;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly card: MegaindCard,
    private readonly valveOutput: ValveOutput,
    private readonly setpoints: SetpointStore,
    private readonly links: LinkRegistry,
  ) {
    this.latchedAlarms = new LatchedAlarmsFile(config.dataDir, this.logger);
  }

  get loop(): ControlLoop {
    if (!this.loopInstance) throw new Error('control loop not initialised');
    return this.loopInstance;
  }

  get runtime(): ControlRuntime {
    return this.loop.runtime;
  }

  async onModuleInit(): Promise<void> {
    const setpoints = await this.setpoints.load();
    const c = this.config;
    const runtime = new ControlRuntime(
      {
        channels: c.channels,
        setpoints,
        alarmLimits: c.alarms,
        samplePeriodMs: c.samplePeriodMs,
        startupGoodSamples: c.control.startupGoodSamples,
      },
      this.clock.now(),
    );
    const latched = await this.latchedAlarms.load();
    runtime.alarms.restoreLatched(latched, this.clock.now());
    if (latched.length > 0) this.logger.warn(`latched alarms restored: ${latched.join(', ')}`);
    this.loopInstance = new ControlLoop(
      runtime,
      this.card,
      this.valveOutput,
      this.clock,
      {
        watchdog: c.hardware.watchdog,
        diagnosticsPeriodS: c.hardware.diagnosticsPeriodS,
        maxConsecutiveFailures: c.control.maxConsecutiveFailures,
      },
      this.logger,
    );
    this.loopInstance.onTick((outcome) => this.afterTick(outcome));
    this.loopInstance.onDeath(() => this.die());
    // The valve goes to the safe state before anything else starts.
    await this.loopInstance.start();
  }

  /**
   * Starts the periodic ticks. Called once the whole application is bootstrapped (see
   * `LoopStarter`), so that every consumer of `ticks$` sees the first sample.
   */
  startTicking(): void {
    if (this.scheduler) return;
    this.scheduler = new TickScheduler(this.config.samplePeriodMs, () => this.loop.tick());
    this.scheduler.start();
    this.logger.log(`control loop running every ${this.config.samplePeriodMs} ms`);
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.scheduler?.stop();
    await this.loopInstance?.shutdown(`shutdown${signal ? ` (${signal})` : ''}`);
    this.ticks$.complete();
  }

  /** Emergency path for fatal errors: valve safe, loop stopped. Never throws. */
  async emergencyStop(reason: string): Promise<void> {
    this.scheduler?.stop();
    await this.loopInstance?.shutdown(reason);
  }

  jitter() {
    return this.scheduler?.jitter() ?? { p50: 0, p99: 0, max: 0, samples: 0 };
  }

  /** The full state for `/api/state` and WebSocket snapshots. */
  snapshot(): StateSnapshot {
    const runtime = this.runtime;
    return {
      deviceId: this.config.deviceId,
      ts: new Date(this.clock.wallMs()).toISOString(),
      mode: runtime.currentMode,
      valve: runtime.valveState,
      channels: [...runtime.readings],
      alarms: runtime.alarms.listNotNormal(),
      setpoints: runtime.currentSetpoints,
      links: this.links.snapshot(),
    };
  }

  private afterTick(outcome: TickOutcome): void {
    const health = this.loop.health();
    this.links.set(
      'hardware',
      health.hardwareOk ? 'connected' : 'disconnected',
      health.hardwareOk ? undefined : 'card not responding',
    );
    this.ticks$.next(outcome);
    void this.latchedAlarms.save(this.runtime.alarms.latchedIds());
  }

  private die(): void {
    this.logger.error('control loop is dead: exiting so that the service is restarted');
    this.scheduler?.stop();
    // Give the log a moment to flush; the valve is already in the safe state.
    setTimeout(() => process.exit(70), 100).unref();
  }
}
