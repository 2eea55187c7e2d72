import type { Mode } from '@cryopilot/protocol';
import type { AlarmActionResult } from '../alarms/alarm-book';
import type { Clock } from '../clock/clock';
import type { MegaindCard } from '../hardware/megaind/megaind-card';
import type { MegaindDiagnostics, MegaindFirmware } from '../hardware/megaind/megaind-card.types';
import { VALVE_SAFE_OUTPUT_PCT, type ValveOutput } from '../hardware/valve-output';
import { SerialQueue } from '../persistence/serial-queue';
import type { SetpointChangeOutcome } from './control.facades';
import type { ControlRequestResult, SensorTestEndResult } from './control.types';
import {
  ControlRuntime,
  InputSample,
  PersistentControlState,
  TickOutcome,
} from './control-runtime';
import { IsolatedListeners } from './isolated-listeners';

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

/** Where the loop keeps what must survive a restart (mode, latched trips). */
export interface ControlStateSink {
  /** Saves the state when it changed; never throws (a failing disk must not stop control). */
  save(state: PersistentControlState): Promise<void>;
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
  /** The card's watchdog registers read back equal to the configured values. */
  readonly watchdogConfigured: boolean;
}

/** Attempts at writing and reading back the watchdog settings before giving up. */
const WATCHDOG_CONFIG_ATTEMPTS = 3;

/** Minimum time between two detection attempts of a card that reads but was not detected. */
const DETECT_RETRY_MS = 10_000;

const STOPPED = {
  ok: false,
  code: 'refused',
  message: 'control loop stopped: nothing is accepted',
} as const;

/**
 * The control loop's I/O shell, without a scheduler: read the card, let the runtime decide,
 * write the valve, reload the watchdog. Ticks and operator requests run one at a time.
 *
 * The card's watchdog counts any bus access as a sign of life, so liveness is decided here:
 * `watchdogReload` is only sent at the end of a tick that completed its evaluation and wrote
 * the valve, and a loop declared dead stops touching the card altogether. What the watchdog
 * does and does not catch is in docs/safety.md ("What the watchdogs guarantee").
 */
export class ControlLoop {
  private readonly serial = new SerialQueue();
  private readonly tickListeners: IsolatedListeners<TickOutcome>;
  private readonly deathListeners = new Set<() => void>();
  private readonly completedListeners = new Set<() => void>();
  private hardwareOk = false;
  /** The last valve write succeeded; a failed one is a hardware fault for the next decision. */
  private outputOk = true;
  private started = false;
  private dead = false;
  private consecutiveFailures = 0;
  private ticks = 0;
  private lastTickWall: number | null = null;
  private lastDiagnosticsMono: number | null = null;
  private firmware: MegaindFirmware | null = null;
  private lastDetectMono: number | null = null;
  private diagnostics: LoopHealth['diagnostics'] = null;
  private watchdogReloads = 0;
  private watchdogConfigured = false;

  constructor(
    readonly runtime: ControlRuntime,
    private readonly card: MegaindCard,
    private readonly valveOutput: ValveOutput,
    private readonly clock: Clock,
    private readonly options: ControlLoopOptions,
    private readonly logger: LoopLogger,
    private readonly stateSink: ControlStateSink | null = null,
  ) {
    this.tickListeners = new IsolatedListeners(logger);
  }

  /**
   * Every tick's outcome, to `listener`. Listeners are isolated: one that throws or rejects is
   * logged and never affects control or the other listeners.
   */
  onTick(name: string, listener: (outcome: TickOutcome) => void | Promise<void>): () => void {
    return this.tickListeners.add(name, listener);
  }

  /**
   * Called at the end of every tick that completed control evaluation and its valve write
   * attempt: the heartbeat the loop supervisor watches from outside the event loop.
   */
  onTickCompleted(listener: () => void): void {
    this.completedListeners.add(listener);
  }

  /** Called once when the loop declares itself dead; the service then exits to be restarted. */
  onDeath(listener: () => void): void {
    this.deathListeners.add(listener);
  }

  /** Started and not stopped: requests are accepted. */
  get accepting(): boolean {
    return this.started && !this.dead;
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
      watchdogConfigured: this.watchdogConfigured,
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
        await this.detectCard();
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

  /**
   * Drives the valve to the safe state and stops the loop: from now on it accepts no request
   * and never touches the card again (its watchdog fires unless the process restarts).
   */
  async shutdown(reason: string): Promise<void> {
    await this.serial.run(async () => {
      if (this.dead) return;
      await this.writeSafeState(reason);
      this.dead = true;
    });
  }

  setMode(mode: Mode): Promise<ControlRequestResult> {
    return this.valveRequest(() => this.runtime.valveController.setMode(mode, this.clock.monoMs()));
  }

  openValve(durationS: number | undefined, user?: string): Promise<ControlRequestResult> {
    return this.valveRequest(
      () =>
        this.runtime.valveController.requestManualOpen(
          durationS,
          this.clock.monoMs(),
          user ?? null,
        ),
      // An open that could not be written is cancelled: it must never happen later by itself
      // while the operator believes it failed.
      () => this.runtime.valveController.cancelManualOpen(),
      // Accepted on the last sample's interlocks, but the re-evaluation with the hardware state
      // since then (a valve write that failed after that sample) ended it at once: the operator
      // must hear that the valve stays closed, not "valve open for 60 s".
      (outcome) => (outcome.valve.open ? null : notOpened(outcome)),
    );
  }

  closeValve(): Promise<ControlRequestResult> {
    return this.valveRequest(() => this.runtime.valveController.requestClose(this.clock.monoMs()));
  }

  /**
   * Validates and persists a setpoint change through `apply` (inside the loop's queue, so a
   * stopped loop persists nothing), then makes it current and re-evaluates the valve.
   */
  changeSetpoints(apply: () => Promise<SetpointChangeOutcome>): Promise<ControlRequestResult> {
    return this.whileAccepting(async () => {
      const change = await apply();
      if (!change.ok) return change;
      this.runtime.updateSetpoints(change.setpoints);
      return this.writeAfterRequest({ ok: true, message: 'setpoints updated' });
    });
  }

  ackAlarm(id: string, user: string, comment?: string): Promise<AlarmActionResult> {
    return this.whileAccepting(() =>
      Promise.resolve(this.runtime.alarms.ack(id, user, comment, this.clock.now())),
    );
  }

  shelveAlarm(
    id: string,
    minutes: number,
    user: string,
    comment: string,
  ): Promise<AlarmActionResult> {
    return this.whileAccepting(() =>
      Promise.resolve(this.runtime.alarms.shelve(id, minutes, user, comment, this.clock.now())),
    );
  }

  unshelveAlarm(id: string): Promise<AlarmActionResult> {
    return this.whileAccepting(() =>
      Promise.resolve(this.runtime.alarms.unshelveNow(id, this.clock.now())),
    );
  }

  /** A reset lifts a latched trip's interlock: re-evaluate and persist at once. */
  resetAlarm(id: string, user: string): Promise<AlarmActionResult> {
    return this.whileAccepting(async () => {
      const result = this.runtime.resetAlarm(id, user, this.clock.now());
      if (result.ok) {
        await this.applyDecision(this.runtime.reevaluate(this.clock.now(), this.inputsOk()));
        await this.persist();
      }
      return result;
    });
  }

  /**
   * Declares an O2 sensor under test: its reading is set aside and fills are inhibited from
   * this request on (the valve is re-evaluated and written at once).
   */
  startSensorTest(sensorId: string, minutes: number, user: string): Promise<ControlRequestResult> {
    return this.whileAccepting(async () => {
      const result = this.runtime.startSensorTest(sensorId, minutes, user, this.clock.now());
      return result.ok ? this.writeAfterRequest(result) : result;
    });
  }

  /** Ends a declared test: the sensor is back in service from this request on. */
  endSensorTest(sensorId: string): Promise<SensorTestEndResult> {
    return this.whileAccepting(async () => {
      const test = this.runtime.endSensorTest(sensorId);
      if (!test) {
        return { ok: false, code: 'refused', message: `${sensorId} is not under test` } as const;
      }
      // The test is over whatever the valve write does (a failure is a hardware fault, safe).
      const written = await this.writeAfterRequest({ ok: true, message: 'back in service' });
      const message = written.ok ? `${sensorId} back in service` : written.message;
      return { ok: true, message, test } as const;
    });
  }

  /** Runs `task` in the loop's queue, or refuses when the loop is not running. */
  private whileAccepting<R extends ControlRequestResult | AlarmActionResult | SensorTestEndResult>(
    task: () => Promise<R>,
  ): Promise<R | typeof STOPPED> {
    return this.serial.run(async () => (this.accepting ? task() : STOPPED));
  }

  /**
   * A request that changes the valve's intent: applied, then the valve is re-evaluated and
   * written at once, and the persistent state (mode) saved before the result is returned.
   */
  private valveRequest(
    change: () => ControlRequestResult,
    onWriteFailure?: () => void,
    refusalAfterWrite?: (outcome: TickOutcome) => ControlRequestResult | null,
  ): Promise<ControlRequestResult> {
    return this.whileAccepting(async () => {
      const result = change();
      if (!result.ok) return result;
      return this.writeAfterRequest(result, onWriteFailure, refusalAfterWrite);
    });
  }

  private async writeAfterRequest(
    result: ControlRequestResult & { ok: true },
    onWriteFailure?: () => void,
    refusalAfterWrite?: (outcome: TickOutcome) => ControlRequestResult | null,
  ): Promise<ControlRequestResult> {
    const outcome = this.runtime.reevaluate(this.clock.now(), this.inputsOk());
    const written = await this.applyDecision(outcome);
    await this.persist();
    if (written) return refusalAfterWrite?.(outcome) ?? result;
    onWriteFailure?.();
    // Publish the fault at once (valve shown closed by hardware_fault), not at the next tick.
    this.runtime.reevaluate(this.clock.now(), false);
    return {
      ok: false,
      code: 'hardware_error',
      message:
        `${result.message}, but the valve output could not be written ` +
        '(card not responding): the valve is being driven to the safe state',
    };
  }

  /** Hardware as the runtime should see it between ticks: last read and last write fine. */
  private inputsOk(): boolean {
    return this.hardwareOk && this.outputOk;
  }

  private async runTick(): Promise<TickOutcome | null> {
    if (!this.accepting) return null;
    try {
      const sample = await this.readInputs();
      await this.maybeReadDiagnostics();
      const outcome = this.runtime.tick(sample, this.clock.now(), this.outputOk);
      // The decision is written even when the read failed: that decision is the safe state.
      const written = await this.applyDecision(outcome);
      this.hardwareOk = sample.ok && written;
      // A trip that latched this tick is on disk before anything else: a crash right now
      // must not forget it.
      await this.persist();
      if (this.hardwareOk) await this.reloadWatchdog();
      // Hardware faults are handled (safe state, alarm); only failures of the loop itself count.
      this.consecutiveFailures = 0;
      this.ticks += 1;
      this.lastTickWall = this.clock.wallMs();
      for (const listener of this.completedListeners) listener();
      this.tickListeners.emit(outcome);
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

  private async persist(): Promise<void> {
    await this.stateSink?.save(this.runtime.persistentState());
  }

  private async readInputs(): Promise<InputSample> {
    try {
      const currents = await this.card.readCurrentInputs();
      if (this.firmware === null) await this.detectLate();
      return { ok: true, currentsMa: currents };
    } catch (error) {
      // Bus failure after the driver's retries: channels go stale, hardware_fault raises.
      if (this.hardwareOk || this.ticks === 0) {
        this.logger.warn(`input read failed: ${describe(error)}`);
      }
      return { ok: false, error: describe(error) };
    }
  }

  private async detectCard(): Promise<void> {
    this.firmware = await this.card.detect();
    this.logger.log(
      `megaind card firmware ${this.firmware.text} at 0x${this.card.address.toString(16)}`,
    );
    await this.configureWatchdog();
  }

  /**
   * The card answers but was never detected (absent or failing at start-up, or every later
   * attempt failed): detect and configure its watchdog now. Retried at most every
   * DETECT_RETRY_MS so a card that reads but fails detection does not slow every tick.
   */
  private async detectLate(): Promise<void> {
    const mono = this.clock.monoMs();
    if (this.lastDetectMono !== null && mono - this.lastDetectMono < DETECT_RETRY_MS) return;
    this.lastDetectMono = mono;
    try {
      await this.detectCard();
    } catch (error) {
      // Retried after DETECT_RETRY_MS; inputs were readable, so keep going.
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

  /**
   * Writes the decided output; on failure tries the safe state. Returns (and remembers, for the
   * next decision) whether the write succeeded.
   */
  private async applyDecision(outcome: TickOutcome): Promise<boolean> {
    try {
      await this.valveOutput.write(outcome.valve.output);
      this.outputOk = true;
    } catch (error) {
      // Could not drive the valve as decided: report (once per outage, not every tick) and
      // make one attempt at the safe state.
      if (this.outputOk) this.logger.error(`valve write failed: ${describe(error)}`);
      await this.writeSafeState('valve write failure', !this.outputOk);
      this.outputOk = false;
    }
    return this.outputOk;
  }

  private async writeSafeState(reason: string, quiet = false): Promise<void> {
    try {
      await this.valveOutput.write(VALVE_SAFE_OUTPUT_PCT);
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

  /**
   * Writes the watchdog settings and reads them back, retrying: a setting that did not take
   * (a bus glitch during the write) would leave the card with its undocumented defaults.
   */
  private async configureWatchdog(): Promise<void> {
    const w = this.options.watchdog;
    if (!w.enabled) return;
    for (let attempt = 1; attempt <= WATCHDOG_CONFIG_ATTEMPTS; attempt++) {
      try {
        await this.card.watchdogSetPeriod(w.periodS);
        await this.card.watchdogSetInitialPeriod(w.initialPeriodS);
        await this.card.watchdogSetOffTime(w.offTimeS);
        const actual = {
          periodS: await this.card.watchdogGetPeriod(),
          initialPeriodS: await this.card.watchdogGetInitialPeriod(),
          offTimeS: await this.card.watchdogGetOffTime(),
        };
        const wrong = (Object.keys(actual) as (keyof typeof actual)[]).filter(
          (key) => actual[key] !== w[key],
        );
        if (wrong.length === 0) {
          this.watchdogConfigured = true;
          this.logger.log(
            `card watchdog: period ${w.periodS} s, after power-up ${w.initialPeriodS} s, ` +
              `off ${w.offTimeS} s (read back)`,
          );
          return;
        }
        this.logger.warn(
          `watchdog settings did not take (attempt ${attempt}): ` +
            wrong.map((key) => `${key} ${actual[key]} instead of ${w[key]}`).join(', '),
        );
      } catch (error) {
        this.logger.warn(`watchdog configuration failed (attempt ${attempt}): ${describe(error)}`);
      }
    }
    this.watchdogConfigured = false;
    this.logger.error(
      `card watchdog not configured after ${WATCHDOG_CONFIG_ATTEMPTS} attempts: it keeps the ` +
        "card's own settings (see /api/diagnostics)",
    );
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
}

/**
 * The answer to a manual open that the re-evaluation ended at once. Only a hardware fault newer
 * than the last sample can do that (the interlocks, readings and trips are otherwise the ones
 * the request was checked against), hence hardware_error.
 */
function notOpened(outcome: TickOutcome): ControlRequestResult {
  return {
    ok: false,
    code: 'hardware_error',
    message: `valve not opened: ${outcome.decision.reason}`,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
