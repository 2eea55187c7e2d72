import type { Mode, Setpoints } from '@cryopilot/protocol';
import type { Clock } from '../clock/clock';
import type { MegaindCard } from '../hardware/megaind/megaind-card';
import type { MegaindDiagnostics, MegaindFirmware } from '../hardware/megaind/megaind-card.types';
import type { ValveOutput } from '../hardware/valve-output';
import { SerialQueue } from '../persistence/serial-queue';
import type { AlarmActionResult } from '../alarms/alarm-book';
import type { ControlRequestResult } from './control.types';
import { ControlRuntime, InputSample, TickOutcome } from './control-runtime';

export interface WatchdogSettings {
  readonly enabled: boolean;
  readonly periodS: number;
  readonly initialPeriodS: number;
  readonly offTimeS: number;
}

export interface ControlLoopOptions {
  readonly watchdog: WatchdogSettings;
  readonly diagnosticsPeriodS: number;
  /** Consecutive failed ticks after which the loop gives up (safe state, then fatal). */
  readonly maxConsecutiveFailures: number;
}

/** Minimal logger so the loop stays framework-free. */
export interface LoopLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface LoopHealth {
  readonly started: boolean;
  readonly dead: boolean;
  readonly hardwareOk: boolean;
  readonly consecutiveFailures: number;
  readonly ticks: number;
  readonly lastTickWall: number | null;
  readonly firmware: MegaindFirmware | null;
  readonly diagnostics: (MegaindDiagnostics & { readonly ts: string }) | null;
  readonly watchdogReloads: number;
}

type TickListener = (outcome: TickOutcome) => void;

/**
 * The control loop's I/O shell, without a scheduler: read the card, let the runtime decide,
 * write the valve, reload the watchdog. Ticks and operator requests run one at a time.
 *
 * The card's watchdog counts any bus access as a sign of life, so liveness is decided here:
 * `watchdogReload` is only sent at the end of a tick that completed its evaluation and wrote
 * the valve, and a loop declared dead stops touching the card altogether.
 */
export class ControlLoop {
  private readonly serial = new SerialQueue();
  private readonly listeners = new Set<TickListener>();
  private readonly deathListeners = new Set<() => void>();
  private hardwareOk = false;
  private started = false;
  private dead = false;
  private consecutiveFailures = 0;
  private ticks = 0;
  private lastTickWall: number | null = null;
  private lastDiagnosticsMono: number | null = null;
  private firmware: MegaindFirmware | null = null;
  private diagnostics: LoopHealth['diagnostics'] = null;
  private watchdogReloads = 0;

  constructor(
    readonly runtime: ControlRuntime,
    private readonly card: MegaindCard,
    private readonly valveOutput: ValveOutput,
    private readonly clock: Clock,
    private readonly options: ControlLoopOptions,
    private readonly logger: LoopLogger,
  ) {}

  onTick(listener: TickListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  health(): LoopHealth {
    return {
      started: this.started,
      dead: this.dead,
      hardwareOk: this.hardwareOk,
      consecutiveFailures: this.consecutiveFailures,
      ticks: this.ticks,
      lastTickWall: this.lastTickWall,
      firmware: this.firmware,
      diagnostics: this.diagnostics,
      watchdogReloads: this.watchdogReloads,
    };
  }

  /**
   * Start-up: the valve goes to the safe state before anything else, then the card is
   * detected and its watchdog configured. A missing card is not fatal here: ticks keep
   * trying (hardware_fault alarm) and the valve stays closed.
   */
  async start(): Promise<void> {
    await this.serial.run(async () => {
      await this.writeSafeState('start-up');
      try {
        this.firmware = await this.card.detect();
        this.logger.log(
          `megaind card firmware ${this.firmware.text} at 0x${this.card.address.toString(16)}`,
        );
        await this.configureWatchdog();
      } catch (error) {
        // Card absent or bus failing at start: reported through health and alarms by ticks.
        this.logger.error(`card not ready at start-up: ${describe(error)}`);
      }
      this.started = true;
    });
  }

  /** One sample period's work. Never throws: a failed tick is counted and made safe. */
  tick(): Promise<TickOutcome | null> {
    return this.serial.run(() => this.runTick());
  }

  /** Drives the valve to the safe state and stops the loop from touching the card again. */
  async shutdown(reason: string): Promise<void> {
    await this.serial.run(async () => {
      await this.writeSafeState(reason);
      this.dead = true;
    });
  }

  setMode(mode: Mode): Promise<ControlRequestResult> {
    return this.request(() => this.runtime.valveController.setMode(mode));
  }

  openValve(durationS: number | undefined): Promise<ControlRequestResult> {
    return this.request(() =>
      this.runtime.valveController.requestManualOpen(durationS, this.clock.monoMs()),
    );
  }

  closeValve(): Promise<ControlRequestResult> {
    return this.request(() => this.runtime.valveController.requestClose());
  }

  updateSetpoints(setpoints: Setpoints): Promise<ControlRequestResult> {
    return this.request(() => {
      this.runtime.updateSetpoints(setpoints);
      return { ok: true, message: 'setpoints updated' };
    });
  }

  ackAlarm(id: string, user: string, comment?: string): Promise<AlarmActionResult> {
    return this.serial.run(() =>
      Promise.resolve(this.runtime.alarms.ack(id, user, comment, this.clock.now())),
    );
  }

  shelveAlarm(
    id: string,
    minutes: number,
    user: string,
    comment: string,
  ): Promise<AlarmActionResult> {
    return this.serial.run(() =>
      Promise.resolve(this.runtime.alarms.shelve(id, minutes, user, comment, this.clock.now())),
    );
  }

  /** Resetting `fill_timeout` re-enables auto fills: re-evaluate at once. */
  resetAlarm(id: string, user: string): Promise<AlarmActionResult> {
    return this.serial.run(async () => {
      const result = this.runtime.alarms.reset(id, user, this.clock.now());
      if (result.ok)
        await this.applyDecision(this.runtime.reevaluate(this.clock.now(), this.hardwareOk));
      return result;
    });
  }

  /** Runs an operator request, then re-evaluates and writes the valve at once. */
  private request(change: () => ControlRequestResult): Promise<ControlRequestResult> {
    return this.serial.run(async () => {
      if (this.dead) return { ok: false, code: 'refused', message: 'control loop stopped' };
      const result = change();
      if (result.ok)
        await this.applyDecision(this.runtime.reevaluate(this.clock.now(), this.hardwareOk));
      return result;
    });
  }

  private async runTick(): Promise<TickOutcome | null> {
    if (this.dead || !this.started) return null;
    try {
      const sample = await this.readInputs();
      await this.maybeReadDiagnostics();
      const outcome = this.runtime.tick(sample, this.clock.now());
      const written = await this.applyDecision(outcome);
      this.hardwareOk = sample.ok && written;
      if (this.hardwareOk) await this.reloadWatchdog();
      // Hardware faults are handled (safe state, alarm); only failures of the loop itself count.
      this.consecutiveFailures = 0;
      this.ticks += 1;
      this.lastTickWall = this.clock.wallMs();
      this.emit(outcome);
      return outcome;
    } catch (error) {
      // Anything unexpected in evaluation (a bug): count it, make the valve safe, keep ticking
      // until the failure budget is spent. One failed tick must never kill the loop.
      this.consecutiveFailures += 1;
      this.logger.error(`tick failed: ${describe(error)}`);
      await this.writeSafeState('tick failure');
      this.checkAlive();
      return null;
    }
  }

  private async readInputs(): Promise<InputSample> {
    try {
      const currents = await this.card.readCurrentInputs();
      if (!this.hardwareOk && this.firmware === null) await this.detectLate();
      return { ok: true, currentsMa: currents };
    } catch (error) {
      // Bus failure after the driver's retries: channels go stale, hardware_fault raises.
      if (this.hardwareOk || this.ticks === 0) {
        this.logger.warn(`input read failed: ${describe(error)}`);
      }
      return { ok: false, error: describe(error) };
    }
  }

  /** The card answered after a failed start-up detection: configure it now. */
  private async detectLate(): Promise<void> {
    try {
      this.firmware = await this.card.detect();
      await this.configureWatchdog();
    } catch (error) {
      // Detection is retried on the next good tick; inputs were readable, so keep going.
      this.logger.warn(`late card detection failed: ${describe(error)}`);
    }
  }

  private async maybeReadDiagnostics(): Promise<void> {
    const mono = this.clock.monoMs();
    const due =
      this.lastDiagnosticsMono === null ||
      mono - this.lastDiagnosticsMono >= this.options.diagnosticsPeriodS * 1000;
    if (!due) return;
    this.lastDiagnosticsMono = mono;
    try {
      const d = await this.card.readDiagnostics();
      this.diagnostics = { ...d, ts: new Date(this.clock.wallMs()).toISOString() };
      this.runtime.updateSupplyVoltage(d.supplyV);
    } catch (error) {
      // Diagnostics are informative; a failed read leaves the last values in place.
      this.logger.warn(`diagnostics read failed: ${describe(error)}`);
    }
  }

  /** Writes the decided output; on failure tries the safe state. Returns success. */
  private async applyDecision(outcome: TickOutcome): Promise<boolean> {
    try {
      await this.valveOutput.write(outcome.valve.output);
      return true;
    } catch (error) {
      // Could not drive the valve as decided: report (once per outage, not every tick) and
      // make one attempt at the safe state.
      if (this.hardwareOk) this.logger.error(`valve write failed: ${describe(error)}`);
      await this.writeSafeState('valve write failure', !this.hardwareOk);
      return false;
    }
  }

  private async writeSafeState(reason: string, quiet = false): Promise<void> {
    try {
      await this.valveOutput.write(0);
      if (!quiet) this.logger.log(`valve in safe state (${reason})`);
    } catch (error) {
      // The card cannot be reached: nothing more software can do. The valve's own fail-safe
      // (normally closed, de-energised) and the card's watchdog are the remaining layers.
      if (!quiet) {
        this.logger.error(
          `could not drive the valve to the safe state (${reason}): ${describe(error)}`,
        );
      }
    }
  }

  private async configureWatchdog(): Promise<void> {
    const w = this.options.watchdog;
    if (!w.enabled) return;
    await this.card.watchdogSetPeriod(w.periodS);
    await this.card.watchdogSetInitialPeriod(w.initialPeriodS);
    await this.card.watchdogSetOffTime(w.offTimeS);
  }

  private async reloadWatchdog(): Promise<void> {
    if (!this.options.watchdog.enabled || this.firmware === null) return;
    try {
      await this.card.watchdogReload();
      this.watchdogReloads += 1;
    } catch (error) {
      // A missed reload is harmless once; the period is many ticks long.
      this.logger.warn(`watchdog reload failed: ${describe(error)}`);
    }
  }

  private checkAlive(): void {
    if (this.consecutiveFailures < this.options.maxConsecutiveFailures || this.dead) return;
    this.dead = true;
    this.logger.error(
      `control loop dead after ${this.consecutiveFailures} consecutive failed ticks: ` +
        'valve left in safe state, card no longer touched (its watchdog will fire)',
    );
    for (const listener of this.deathListeners) listener();
  }

  /** Called once when the loop declares itself dead; the service then exits to be restarted. */
  onDeath(listener: () => void): void {
    this.deathListeners.add(listener);
  }

  private emit(outcome: TickOutcome): void {
    for (const listener of this.listeners) {
      try {
        listener(outcome);
      } catch (error) {
        // A reporting consumer (MQTT, WebSocket…) must never break control.
        this.logger.error(`tick listener failed: ${describe(error)}`);
      }
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
