import { BusLifecycle } from '../hardware/hardware.module';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnModuleInit,
} from '@nestjs/common';
import type { Alarm, Mode, Setpoints, StateSnapshot, ValveState } from '@cryopilot/protocol';
import type { AlarmActionResult } from '../alarms/alarm-book';
import { Clock } from '../clock/clock';
import { CONTROL_CONFIG, ControlConfig } from '../config/config.slices';
import { SetpointStore } from '../config/setpoint-store';
import { MegaindCard } from '../hardware/megaind/megaind-card';
import { ValveOutput } from '../hardware/valve-output';
import { LinkRegistry } from '../links/link-registry';
import { ControlLoop, LoopHealth } from './control-loop';
import { ControlLifecycle } from './control-lifecycle';
import { ControlRequests, ControlView, SetpointChangeOutcome } from './control.facades';
import type { ControlRequestResult, SensorTestEndResult } from './control.types';
import type { ControlRuntime, TickOutcome } from './control-runtime';
import { createControlLoop } from './create-control-loop';
import { ControlStateFile } from './control-state-file';
import { LoopSupervisor } from './loop-supervisor';
import { TickScheduler } from './tick-scheduler';

/**
 * Runs the control loop at the configured period and owns its lifecycle: safe state first at
 * start-up, mode and latched trips restored, safe state before the bus closes at shutdown,
 * process exit when the loop dies (the container's restart policy brings it back, and start-up
 * makes the valve safe again), and the supervisor process that kills a stuck one.
 */
@Injectable()
export class ControlLoopService
  implements ControlView, ControlRequests, ControlLifecycle, OnModuleInit, BeforeApplicationShutdown
{
  private readonly logger = new Logger(ControlLoopService.name);
  private loopInstance: ControlLoop | null = null;
  private scheduler: TickScheduler | null = null;
  private supervisor: LoopSupervisor | null = null;
  private readonly stateFile: ControlStateFile;

  constructor(
    @Inject(CONTROL_CONFIG.token) private readonly config: ControlConfig,
    private readonly clock: Clock,
    private readonly card: MegaindCard,
    private readonly valveOutput: ValveOutput,
    private readonly setpointStore: SetpointStore,
    private readonly links: LinkRegistry,
    private readonly bus: BusLifecycle,
  ) {
    this.stateFile = new ControlStateFile(config.dataDir, this.logger);
  }

  private get loop(): ControlLoop {
    if (!this.loopInstance) throw new Error('control loop not initialised');
    return this.loopInstance;
  }

  private get runtime(): ControlRuntime {
    return this.loop.runtime;
  }

  // ControlView: what transports and reporting links may read and follow.

  onTick(name: string, listener: (outcome: TickOutcome) => void | Promise<void>): () => void {
    return this.loop.onTick(name, listener);
  }

  alarms(): Alarm[] {
    return this.runtime.alarms.list();
  }

  setpoints(): Setpoints {
    return this.runtime.currentSetpoints;
  }

  health(): LoopHealth {
    return this.loop.health();
  }

  lastSeq(): number {
    return this.runtime.lastSeq;
  }

  reportCondition(alarmId: string, active: boolean): void {
    this.runtime.setExternalCondition(alarmId, active);
  }

  // ControlRequests: what the command handlers carry out.

  setMode(mode: Mode): Promise<ControlRequestResult> {
    return this.loop.setMode(mode);
  }

  openValve(durationS: number | undefined, user?: string): Promise<ControlRequestResult> {
    return this.loop.openValve(durationS, user);
  }

  startSensorTest(sensorId: string, minutes: number, user: string): Promise<ControlRequestResult> {
    return this.loop.startSensorTest(sensorId, minutes, user);
  }

  endSensorTest(sensorId: string): Promise<SensorTestEndResult> {
    return this.loop.endSensorTest(sensorId);
  }

  closeValve(): Promise<ControlRequestResult> {
    return this.loop.closeValve();
  }

  changeSetpoints(apply: () => Promise<SetpointChangeOutcome>): Promise<ControlRequestResult> {
    return this.loop.changeSetpoints(apply);
  }

  ackAlarm(id: string, user: string, comment?: string): Promise<AlarmActionResult> {
    return this.loop.ackAlarm(id, user, comment);
  }

  shelveAlarm(id: string, minutes: number, user: string, comment: string) {
    return this.loop.shelveAlarm(id, minutes, user, comment);
  }

  resetAlarm(id: string, user: string): Promise<AlarmActionResult> {
    return this.loop.resetAlarm(id, user);
  }

  unshelveAlarm(id: string): Promise<AlarmActionResult> {
    return this.loop.unshelveAlarm(id);
  }

  valveState(): ValveState {
    return this.runtime.valveState;
  }

  // Lifecycle.

  async onModuleInit(): Promise<void> {
    // The loop's start-up touches the card: the bus must be open, whatever the module order.
    await this.bus.ready();
    const setpoints = await this.setpointStore.load();
    const restored = await this.stateFile.load();
    if (restored.mode !== 'auto') this.logger.warn(`mode restored: ${restored.mode}`);
    if (restored.latched.length > 0) {
      this.logger.warn(`latched trips restored (reset required): ${restored.latched.join(', ')}`);
    }
    this.loopInstance = createControlLoop({
      config: this.config,
      setpoints,
      card: this.card,
      valveOutput: this.valveOutput,
      clock: this.clock,
      logger: this.logger,
      stateSink: this.stateFile,
      restored,
    });
    this.loopInstance.onTick('hardware link', () => this.reportHardwareLink());
    this.loopInstance.onDeath(() => this.die());
    // The valve goes to the safe state before anything else starts.
    await this.loopInstance.start();
  }

  /**
   * Starts the periodic ticks and their supervisor. Called once the whole application is
   * bootstrapped (see `LoopStarter`), so that every tick listener sees the first sample.
   */
  startTicking(): void {
    if (this.scheduler) return;
    const periodMs = this.config.samplePeriodMs;
    this.startSupervisor();
    this.scheduler = new TickScheduler(
      periodMs,
      () => this.loop.tick(),
      undefined,
      (error) => this.logger.error(`tick scheduling failed: ${String(error)}`),
    );
    this.scheduler.start();
    this.logger.log(`control loop running every ${periodMs} ms`);
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    await this.stop(`shutdown${signal ? ` (${signal})` : ''}`);
  }

  /** Emergency path for fatal errors: valve safe, loop stopped. Never throws. */
  async emergencyStop(reason: string): Promise<void> {
    await this.stop(reason);
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
      sensorTests: runtime.sensorTests.list(),
    };
  }

  private async stop(reason: string): Promise<void> {
    this.scheduler?.stop();
    await this.loopInstance?.shutdown(reason);
    // Disarmed only once the safe state is written: a shutdown that hangs (a stuck bus) is a
    // stall like any other, and the supervisor acts on it.
    await this.supervisor?.stop();
  }

  private startSupervisor(): void {
    const settings = this.config.control.supervisor;
    if (!settings.enabled) return;
    const supervisor = new LoopSupervisor({
      staleAfterMs: settings.staleAfterS * 1000,
      // The simulated card lives in this process: the kill stops it with the loop.
      safeStateCommand:
        this.config.hardware.driver === 'megaind'
          ? [process.execPath, process.argv[1], '--safe-state']
          : null,
      pid: process.pid,
      onProblem: (message) => this.logger.error(message),
    });
    this.loop.onTickCompleted(() => supervisor.beat());
    supervisor.start();
    this.supervisor = supervisor;
  }

  private reportHardwareLink(): void {
    const ok = this.loop.health().hardwareOk;
    this.links.set(
      'hardware',
      ok ? 'connected' : 'disconnected',
      ok ? undefined : 'card not responding',
    );
  }

  private die(): void {
    this.logger.error('control loop is dead: exiting so that the service is restarted');
    this.scheduler?.stop();
    // Give the log a moment to flush; the valve is already in the safe state.
    setTimeout(() => process.exit(70), 100).unref();
  }
}
