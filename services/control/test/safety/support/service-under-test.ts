import type {
  CommandArgs,
  CommandResult,
  CommandSource,
  MaintenanceRecord,
  Role,
  SensorTest,
} from '@cryopilot/protocol';
import { AuditLog } from '../../../src/audit/audit-log';
import { CommandBus } from '../../../src/commands/command-bus';
import { CommandHandlers } from '../../../src/commands/command-handlers';
import type { ControlRequests } from '../../../src/control/control.facades';
import type { TickOutcome } from '../../../src/control/control-runtime';
import { SensorMaintenance } from '../../../src/maintenance/sensor-maintenance';
import { NotificationTests } from '../../../src/notifications/notification-tests';
import { createRig, Rig } from '../../support/closed-loop-rig';
import { JudgedSample, SafetyJudge } from './safety-judge';

/** What the histories exercised, summed over a run: evidence that they reach the rules. */
export const coverage: Record<string, number> = {};
const count = (what: string) => (coverage[what] = (coverage[what] ?? 0) + 1);

/** A violated invariant: the history so far is the reproduction. */
export class InvariantViolation extends Error {
  override name = 'InvariantViolation';
}

/** Card faults a history can inject. */
export type SimulatedCardFault =
  'none' | 'i2c-error' | 'i2c-error-2' | 'card-missing' | 'input-read-error' | 'write-error';

/** HAT inputs of the default channels. */
export const O2_INPUTS = [1, 2] as const;
export const LEVEL_INPUT = 3;
const O2_WARMUP_S = 5;

/** Everything that could change when a command is refused: compared before and after. */
function observable(rig: Rig): string {
  return JSON.stringify({
    mode: rig.runtime.currentMode,
    setpoints: rig.runtime.currentSetpoints,
    valve: rig.runtime.valveState,
    alarms: rig.runtime.alarms.list(),
    opening: rig.sim.valveOpening(),
  });
}

/**
 * The control service as the safety properties drive it: the real loop, driver and simulated
 * card (the closed-loop rig), the real command bus with its handlers and audit, restarts with
 * the persisted state — and the judge, checked after every step.
 */
export class ServiceUnderTest {
  private bus!: CommandBus;
  private audit!: AuditLog;
  /** The card's inputs can be read (no fault that fails every input read). */
  readsWork = true;
  /** The valve can be written (no fault that fails every transaction). */
  writesWork = true;
  /**
   * The card's output is the service's to answer for: false from the moment an unwritable card
   * comes back until the service's next write attempt (a tick or a start-up), because nothing
   * tells the service the card is back before it tries again.
   */
  private cardSynced = true;
  readonly log: string[] = [];

  private constructor(
    readonly rig: Rig,
    readonly judge: SafetyJudge,
  ) {}

  static async create(initialLevelPct: number): Promise<ServiceUnderTest> {
    const o2 = (id: string, input: number) => ({
      id,
      label: id,
      role: 'o2',
      input,
      unit: '%vol',
      range: { min: 0, max: 25 },
      warmupS: O2_WARMUP_S,
    });
    const rig = await createRig({
      simulator: { initialLevelPct, drainPctPerMin: 2, fillPctPerMin: 8 },
      channels: [
        o2('o2_1', O2_INPUTS[0]),
        o2('o2_2', O2_INPUTS[1]),
        {
          id: 'ln2_level',
          label: 'level',
          role: 'level',
          input: LEVEL_INPUT,
          unit: '%',
          range: { min: 0, max: 100 },
          warmupS: 0,
        },
      ],
    });
    const judge = new SafetyJudge(
      {
        o2WarmupS: O2_WARMUP_S,
        o2Range: { min: 0, max: 25 },
        levelRange: { min: 0, max: 100 },
        startupGoodSamples: rig.config.control.startupGoodSamples,
      },
      O2_INPUTS.length,
      rig.setpoints.get(),
      rig.clock.monoMs(),
    );
    const service = new ServiceUnderTest(rig, judge);
    await service.attachCommandBus();
    return service;
  }

  get mono(): number {
    return this.rig.clock.monoMs();
  }

  /** Runs `seconds` of samples, judging after each one. */
  async advance(seconds: number): Promise<void> {
    const period = this.rig.config.samplePeriodMs;
    for (let t = 0; t < (seconds * 1000) / period; t++) {
      this.rig.clock.advance(period);
      const running = !this.judge.stopped;
      if (running && !this.readsWork && this.writesWork && this.rig.sim.valveOpening() > 0) {
        count('input reads failing with the valve open at a writable card');
      }
      const outcome = await this.rig.loop.tick();
      if (outcome) this.cardSynced = true;
      if (this.judge.stopped) {
        this.expect(outcome === null, 'a stopped loop ran a tick');
        this.checkValve('after a tick of a stopped loop', false);
        continue;
      }
      if (!outcome) throw new InvariantViolation('a running loop returned no tick outcome');
      this.judgeSample(outcome);
      count('samples');
      if (outcome.valve.open) count(`samples with the valve open (${outcome.valve.mode})`);
      if (this.judge.o2Latched) count('samples with the O2 trip latched');
      if (this.judge.fillTimeoutLatched) count('samples with the fill timeout latched');
    }
  }

  /** Sends a command through the bus as `role` via `source`; judges the outcome. */
  async command(
    name: string,
    args: Record<string, unknown>,
    role: Role | null,
    source: CommandSource,
    tsSkewMs: number | null,
  ): Promise<CommandResult> {
    const before = observable(this.rig);
    const published = this.rig.runtime.valveState.manualOpen;
    const transactions = this.rig.sim.transactionCount;
    const ts =
      tsSkewMs === null ? {} : { ts: new Date(this.rig.clock.wallMs() + tsSkewMs).toISOString() };
    const result = await this.bus.execute(
      { name, args, ...ts },
      { user: role ?? 'nobody', role, source },
    );
    const code = result.ok ? 'ok' : result.error.code;
    count(`${name} → ${code}`);
    // A bug in a handler: the sender would get "internal error, see the service log".
    this.expect(code !== 'internal', `${name} failed inside the service (internal)`);
    this.log.push(`${name} ${JSON.stringify(args)} as ${role}/${source} → ${code}`);
    const unchanged = observable(this.rig) === before;
    if (role === null || role === 'viewer') {
      this.expect(!result.ok, `a ${role ?? 'signed-out'} ${name} was accepted`);
    }
    if (this.judge.stopped) {
      this.expect(!result.ok, `a stopped loop accepted ${name}`);
      this.expect(
        this.rig.sim.transactionCount === transactions,
        `a stopped loop touched the card for ${name}`,
      );
    }
    if (!result.ok && result.error.code !== 'hardware_error') {
      this.expect(unchanged, `${name} was refused (${result.error.code}) but changed the state`);
    }
    if (name === 'valve.open' && !this.judge.stopped) {
      // What the service publishes (and the page shows) is what it decides.
      if (result.ok || code === 'hardware_error') {
        this.expect(published.allowed, 'valve.open accepted although published as blocked');
      }
      if (code === 'refused') {
        this.expect(!published.allowed, 'valve.open refused although published as allowed');
      }
      // An accepted open is an open valve: never "ok" for a request that ended at once.
      if (result.ok) {
        this.expect(this.rig.runtime.valveState.open, 'valve.open answered ok, valve closed');
      }
    }
    if (result.ok) this.applyAccepted(name, args);
    else if (result.error.code === 'hardware_error') {
      // The request took effect but the valve could not be written: a manual open is
      // cancelled (it must never happen later), any other intent (mode, close) stands.
      if (name === 'valve.open') this.judge.manualUntil = null;
      else this.applyAccepted(name, args);
    }
    // A stopped loop's last published state is not re-decided (it is about to exit); what
    // counts then is the valve at the card and that nothing was accepted (checked above).
    this.checkValve(`after ${name}`, !this.judge.stopped);
    return result;
  }

  /** A restart: `crash` = kill -9 (no orderly shutdown); the card keeps its registers. */
  async restart(crash: boolean): Promise<void> {
    if (this.rig.sim.valveOpening() > 0) count('restarts with the valve open at the card');
    count(crash ? 'restarts after kill -9' : 'restarts after SIGTERM');
    await this.rig.restart({ crash });
    this.cardSynced = true; // start-up writes the safe state first
    this.judge.onBoot(this.mono);
    await this.attachCommandBus();
    this.expect(
      this.rig.runtime.currentMode === this.judge.mode,
      `mode after restart is ${this.rig.runtime.currentMode}, was ${this.judge.mode}`,
    );
    this.expect(
      JSON.stringify(this.rig.runtime.currentSetpoints) === JSON.stringify(this.judge.setpoints),
      'setpoints changed across a restart',
    );
    this.checkValve('right after a restart', false);
  }

  /** An orderly stop (SIGTERM): safe state, then nothing is accepted until a restart. */
  async shutdown(): Promise<void> {
    await this.rig.loop.shutdown('SIGTERM');
    this.judge.stopped = true;
    this.checkValve('after shutdown', false);
  }

  /**
   * `i2c-error-2`: every other transaction fails, each succeeds on the driver's retry.
   * `input-read-error`: inputs unreadable, valve writable — the decision (safe state) must
   * still reach the card. `write-error`: inputs readable, valve not writable.
   */
  setCardFault(fault: SimulatedCardFault): void {
    if (fault === 'i2c-error-2') this.rig.sim.setCardFault('i2c-error', { failEvery: 2 });
    else this.rig.sim.setCardFault(fault);
    const wasWritable = this.writesWork;
    this.writesWork = fault === 'none' || fault === 'i2c-error-2' || fault === 'input-read-error';
    this.readsWork = fault === 'none' || fault === 'i2c-error-2' || fault === 'write-error';
    if (this.writesWork && !wasWritable) this.cardSynced = false;
  }

  /** Whether the valve's state at the card must match the service's decision now. */
  private get cardAnswerable(): boolean {
    return this.writesWork && this.cardSynced;
  }

  async close(): Promise<void> {
    await this.audit.close();
  }

  private judgeSample(outcome: TickOutcome): void {
    const reading = (input: number) =>
      outcome.channels[this.rig.config.channels.findIndex((c) => c.input === input)];
    const readOk = this.readsWork;
    const sample: JudgedSample = readOk
      ? {
          readOk: true,
          levelMa: reading(LEVEL_INPUT).mA ?? Number.NaN,
          o2Ma: O2_INPUTS.map((input) => reading(input).mA ?? Number.NaN),
        }
      : { readOk: false };
    if (!readOk) {
      this.expect(
        outcome.channels.every((c) => c.quality === 'stale' && c.value === null),
        'a failed read produced values',
      );
    }
    const verdict = this.judge.onSample(this.mono, sample);
    this.checkVerdict(verdict, `after the sample at ${this.mono} ms`, outcome.valve.open);
    this.checkLatches();
  }

  private applyAccepted(name: string, args: Record<string, unknown>): void {
    const judge = this.judge;
    switch (name) {
      case 'mode.set':
        judge.mode = args.mode as 'auto' | 'manual';
        judge.manualUntil = null;
        return;
      case 'valve.close':
        judge.manualUntil = null;
        judge.mode = 'manual';
        return;
      case 'valve.open': {
        const blocking = judge.last.blocking;
        this.expect(judge.mode === 'manual', 'valve.open accepted in auto mode');
        this.expect(blocking.length === 0, `valve.open accepted while ${blocking.join('; ')}`);
        const seconds =
          (args.durationS as number | undefined) ?? judge.setpoints.manualOpenDefaultS;
        this.expect(
          seconds <= judge.setpoints.manualOpenMaxS,
          'a manual open beyond manualOpenMaxS',
        );
        judge.manualUntil = this.mono + seconds * 1000;
        return;
      }
      case 'alarm.reset':
        if (args.alarmId === 'o2_low_low') {
          const { usableO2 } = judge.last;
          const below = usableO2.filter((v) => v < judge.setpoints.o2LowLowPct);
          this.expect(
            usableO2.length > 0,
            'o2_low_low reset with no O2 reading to show it cleared',
          );
          this.expect(below.length === 0, `o2_low_low reset while O2 reads ${below.join(', ')}`);
          judge.o2Latched = false;
        }
        if (args.alarmId === 'fill_timeout') judge.fillTimeoutLatched = false;
        return;
      case 'setpoints.set':
      case 'trips.set':
        judge.setpoints = this.rig.runtime.currentSetpoints;
        return;
      default:
        return;
    }
  }

  /** A trip the judge holds latched is shown active or latched: it never clears on its own. */
  private checkLatches(): void {
    const held = (id: string) =>
      ['active-unacked', 'active-acked', 'latched'].includes(
        this.rig.runtime.alarms.get(id)?.state ?? '',
      );
    if (this.judge.o2Latched)
      this.expect(held('o2_low_low'), 'the O2 trip cleared without a reset');
    if (this.judge.fillTimeoutLatched) {
      this.expect(held('fill_timeout'), 'the fill timeout cleared without a reset');
    }
  }

  private checkValve(when: string, judgeVerdict: boolean): void {
    if (judgeVerdict) {
      this.checkVerdict(this.judge.verdict(this.mono), when, this.rig.runtime.valveState.open);
      return;
    }
    this.expect(!this.rig.runtime.valveState.open || this.judge.stopped, `valve open ${when}`);
    if (this.cardAnswerable) {
      this.expect(this.rig.sim.valveOpening() === 0, `valve open at the card ${when}`);
    }
    this.judge.observeValve(this.mono, false);
  }

  private checkVerdict(verdict: { allowed: boolean; why: string }, when: string, open: boolean) {
    if (!verdict.allowed) {
      this.expect(!open, `the service holds the valve open ${when}, but: ${verdict.why}`);
      if (this.cardAnswerable) {
        this.expect(
          this.rig.sim.valveOpening() === 0,
          `the valve is open at the card ${when}, but: ${verdict.why}`,
        );
      }
    }
    this.judge.observeValve(this.mono, open);
  }

  private expect(condition: boolean, message: string): void {
    if (!condition) throw new InvariantViolation(message);
  }

  /**
   * Maintenance records in memory: the hazard tests look at what a declared test does to
   * control; the records and their file have their own tests (src/maintenance).
   */
  readonly maintenanceRecords = new InMemorySensorMaintenance();

  /** The bus and handlers of the current service instance (a restart builds new ones). */
  private async attachCommandBus(): Promise<void> {
    await this.audit?.close();
    this.audit = new AuditLog({ dir: `${this.rig.config.dataDir}/audit` });
    await this.audit.open();
    const rig = this.rig;
    // The service's ControlRequests, over the rig's current loop (as ControlLoopService does).
    const control: ControlRequests = {
      setMode: (mode) => rig.loop.setMode(mode),
      openValve: (durationS, user) => rig.loop.openValve(durationS, user),
      closeValve: () => rig.loop.closeValve(),
      changeSetpoints: (apply) => rig.loop.changeSetpoints(apply),
      ackAlarm: (id, user, comment) => rig.loop.ackAlarm(id, user, comment),
      shelveAlarm: (id, minutes, user, comment) => rig.loop.shelveAlarm(id, minutes, user, comment),
      resetAlarm: (id, user) => rig.loop.resetAlarm(id, user),
      unshelveAlarm: (id) => rig.loop.unshelveAlarm(id),
      startSensorTest: (id, minutes, user) => rig.loop.startSensorTest(id, minutes, user),
      endSensorTest: (id) => rig.loop.endSensorTest(id),
      valveState: () => rig.runtime.valveState,
    };
    // No notification channel here: a test notification is refused.
    const notifications = new NotificationTests();
    this.bus = new CommandBus(
      new CommandHandlers(control, rig.setpoints, this.maintenanceRecords, notifications),
      this.audit,
      rig.clock,
    );
  }
}

/** `SensorMaintenance` without a file, for the rig. */
class InMemorySensorMaintenance extends SensorMaintenance {
  readonly testDefaultMinutes = 15;
  readonly records: MaintenanceRecord[] = [];

  recordBumpTest(test: SensorTest, args: CommandArgs<'sensor.test.end'>, user: string) {
    return this.push({
      kind: 'bump',
      ts: new Date().toISOString(),
      by: user,
      referenceGasPct: args.referenceGasPct,
      readingBeforePct: test.readingAtStartPct,
      readingAfterPct: test.lowestPct,
      passed: args.passed ?? null,
    });
  }

  recordCalibration(args: CommandArgs<'sensor.calibration'>, user: string) {
    return this.push({
      kind: 'calibration',
      ts: new Date().toISOString(),
      by: user,
      referenceGasPct: args.referenceGasPct,
      readingBeforePct: args.readingBeforePct,
      readingAfterPct: args.readingAfterPct,
      passed: args.passed,
    });
  }

  recordInstall(_args: CommandArgs<'sensor.install'>, user: string) {
    return this.push({
      kind: 'install',
      ts: new Date().toISOString(),
      by: user,
      referenceGasPct: null,
      readingBeforePct: null,
      readingAfterPct: null,
      passed: null,
    });
  }

  private push(record: MaintenanceRecord): Promise<MaintenanceRecord> {
    this.records.push(record);
    return Promise.resolve(record);
  }
}
