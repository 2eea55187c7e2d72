import type { BusLifecycle } from '../hardware/hardware.module';
import { Logger } from '@nestjs/common';
import { DEFAULT_SETPOINTS } from '@cryopilot/protocol';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../clock/testing/manual-clock';
import { appConfigSchema } from '../config/config.schema';
import { SetpointStore } from '../config/setpoint-store';
import type { MegaindCard } from '../hardware/megaind/megaind-card';
import type { ValveOutput } from '../hardware/valve-output';
import { LinkRegistry } from '../links/link-registry';
import { ControlLoopService } from './control-loop.service';
import type { LoopSupervisorOptions } from './loop-supervisor';

/**
 * The supervisor process is replaced by a recorder: a real one would SIGKILL the test runner
 * on a stall (its own behaviour is tested in loop-supervisor.spec.ts and at process level).
 */
const supervisors: Array<{ options: LoopSupervisorOptions; beats: number; state: string }> = [];
jest.mock('./loop-supervisor', () => ({
  LoopSupervisor: class {
    readonly record: { options: LoopSupervisorOptions; beats: number; state: string };
    constructor(options: LoopSupervisorOptions) {
      this.record = { options, beats: 0, state: 'created' };
      supervisors.push(this.record);
    }
    start() {
      this.record.state = 'started';
    }
    beat() {
      this.record.beats += 1;
    }
    stop() {
      this.record.state = 'stopped';
      return Promise.resolve();
    }
  },
}));

/** mA of a 4–20 mA transmitter for `value` on 0..`span`. */
const mA = (value: number, span: number) => 4 + (value / span) * 16;

/** A card that answers everything: inputs as set, a watchdog that takes its settings. */
function fakeCard() {
  const wd: Record<string, number> = {};
  const card = {
    address: 0x50,
    reads: 0,
    currents: [mA(20.9, 25), mA(20.9, 25), mA(15, 100), 4] as number[] | undefined,
    readsFail: false,
    readCurrentInputs: () => {
      card.reads += 1;
      return card.readsFail
        ? Promise.reject(new Error('bus error'))
        : Promise.resolve(card.currents && [...card.currents]);
    },
    detect: () => Promise.resolve({ major: 4, minor: 11, text: '04.11' }),
    readDiagnostics: () => Promise.resolve({ cpuTempC: 40, supplyV: 24, pi5vV: 5 }),
    watchdogReload: () => Promise.resolve(),
    watchdogSetPeriod: (s: number) => Promise.resolve(void (wd.p = s)),
    watchdogSetInitialPeriod: (s: number) => Promise.resolve(void (wd.i = s)),
    watchdogSetOffTime: (s: number) => Promise.resolve(void (wd.o = s)),
    watchdogGetPeriod: () => Promise.resolve(wd.p),
    watchdogGetInitialPeriod: () => Promise.resolve(wd.i),
    watchdogGetOffTime: () => Promise.resolve(wd.o),
  };
  return card;
}

describe('ControlLoopService (the loop as the application runs it)', () => {
  let dir: string;
  let warnings: string[];
  let errors: string[];
  let logs: string[];
  let exit: jest.SpyInstance;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cryopilot-service-'));
    warnings = [];
    errors = [];
    logs = [];
    jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation((m: unknown) => void warnings.push(String(m)));
    jest
      .spyOn(Logger.prototype, 'error')
      .mockImplementation((m: unknown) => void errors.push(String(m)));
    // A loop that dies exits the process: never the test runner's.
    exit = jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    jest
      .spyOn(Logger.prototype, 'log')
      .mockImplementation((m: unknown) => void logs.push(String(m)));
  });
  afterEach(async () => {
    // Whatever a test left running stops here, before the fake clock is dropped.
    for (const svc of started.splice(0))
      await svc.emergencyStop('end of test').catch(() => undefined);
    jest.useRealTimers();
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  const started: ControlLoopService[] = [];

  /**
   * Ticking runs on Jest's fake clock (the scheduler's timers and `performance.now`), so that
   * nothing keeps ticking in real time after a test; file I/O stays real.
   */
  function fakeTime(): void {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
  }
  const sleep = (ms: number) => jest.advanceTimersByTimeAsync(ms);

  function service(config: Record<string, unknown> = {}) {
    const appConfig = appConfigSchema().parse({
      deviceId: 'unit-pi',
      dataDir: dir,
      samplePeriodMs: 100,
      control: { supervisor: { enabled: false } },
      ...config,
    });
    const clock = new ManualClock();
    const card = fakeCard();
    const writes: number[] = [];
    const valve = { write: (pct: number) => Promise.resolve(void writes.push(pct)) };
    const links = new LinkRegistry(clock);
    const svc = new ControlLoopService(
      appConfig,
      clock,
      card as unknown as MegaindCard,
      valve as unknown as ValveOutput,
      new SetpointStore(appConfig),
      links,
      // The card is a fake: there is no bus to wait for.
      { ready: () => Promise.resolve() } as unknown as BusLifecycle,
    );
    started.push(svc);
    return { svc, card, writes, links, clock };
  }

  it('is not usable before onModuleInit, and a stop then is harmless', async () => {
    const { svc } = service();
    expect(() => svc.snapshot()).toThrow('control loop not initialised');
    await expect(svc.emergencyStop('early fatal error')).resolves.toBeUndefined();
    expect(svc.jitter()).toEqual({ p50: 0, p99: 0, max: 0, samples: 0 });
  });

  it('starts with the valve in the safe state, the saved setpoints, mode and latched trips', async () => {
    const setpoints = { ...DEFAULT_SETPOINTS, fillStartPct: 30 };
    writeFileSync(join(dir, 'setpoints.json'), JSON.stringify(setpoints));
    writeFileSync(
      join(dir, 'control-state.json'),
      JSON.stringify({ mode: 'manual', latched: ['o2_low_low', 'fill_timeout'] }),
    );
    const { svc, writes, clock } = service();
    await svc.onModuleInit();
    expect(writes).toEqual([0]);
    expect(warnings).toEqual([
      'mode restored: manual',
      'latched trips restored (reset required): o2_low_low, fill_timeout',
    ]);
    expect(svc.setpoints()).toEqual(setpoints);
    const snapshot = svc.snapshot();
    expect(snapshot).toMatchObject({
      deviceId: 'unit-pi',
      ts: new Date(clock.wallMs()).toISOString(),
      mode: 'manual',
      valve: { open: false, mode: 'manual' },
      setpoints,
    });
    expect(snapshot.alarms.map((a) => [a.id, a.state])).toEqual([
      ['o2_low_low', 'latched'],
      ['fill_timeout', 'latched'],
    ]);
    expect(snapshot.channels).toHaveLength(3);
    expect(snapshot.links.hardware.state).toBe('connecting');
    expect(svc.alarms().length).toBeGreaterThan(5);
    expect(svc.lastSeq()).toBe(0);
    expect(svc.health()).toMatchObject({ started: true, dead: false });
  });

  it('a first start says nothing about a restored state', async () => {
    const { svc } = service();
    await svc.onModuleInit();
    expect(warnings).toEqual([]);
    expect(svc.snapshot().mode).toBe('auto');
  });

  it('ticks at the sample period once started, and reports the card as a link', async () => {
    const { svc, card, links } = service();
    await svc.onModuleInit();
    fakeTime();
    svc.startTicking();
    svc.startTicking(); // once only
    await sleep(450);
    const reads = card.reads;
    expect(reads).toBe(5); // at 0, 100, 200, 300 and 400 ms
    expect(logs).toContain('control loop running every 100 ms');
    expect(svc.jitter().samples).toBe(reads);
    expect(svc.lastSeq()).toBe(reads);
    expect(links.snapshot().hardware).toMatchObject({ state: 'connected' });
    expect(links.snapshot().hardware.detail).toBeUndefined();
    card.readsFail = true;
    await sleep(250);
    expect(links.snapshot().hardware).toMatchObject({
      state: 'disconnected',
      detail: 'card not responding',
    });
    await svc.beforeApplicationShutdown('SIGTERM');
    const after = card.reads;
    await sleep(250);
    expect(card.reads).toBe(after);
  });

  it('shutdown drives the valve safe and stops the loop; requests are refused after it', async () => {
    const { svc, writes } = service();
    await svc.onModuleInit();
    await svc.beforeApplicationShutdown('SIGTERM');
    expect(logs).toContain('valve in safe state (shutdown (SIGTERM))');
    expect(svc.health().dead).toBe(true);
    expect(await svc.setMode('manual')).toMatchObject({ ok: false, code: 'refused' });
    expect(writes).toEqual([0, 0]);
  });

  it('shutdown without a signal name, and an emergency stop, say why', async () => {
    const first = service();
    await first.svc.onModuleInit();
    await first.svc.beforeApplicationShutdown();
    expect(logs).toContain('valve in safe state (shutdown)');
    const second = service();
    await second.svc.onModuleInit();
    await second.svc.emergencyStop('fatal: out of memory');
    expect(logs).toContain('valve in safe state (fatal: out of memory)');
    expect(second.svc.health().dead).toBe(true);
  });

  it('passes the command handlers’ requests to the loop and shows their effect', async () => {
    const { svc, writes } = service();
    await svc.onModuleInit();
    expect(await svc.setMode('manual')).toEqual({ ok: true, message: 'mode set to manual' });
    expect(await svc.openValve(30)).toMatchObject({ ok: false, code: 'refused' }); // start-up
    expect(await svc.closeValve()).toEqual({ ok: true, message: 'valve closed' });
    expect(svc.valveState()).toMatchObject({ open: false, mode: 'manual' });
    const setpoints = { ...DEFAULT_SETPOINTS, fillStartPct: 25 };
    expect(await svc.changeSetpoints(() => Promise.resolve({ ok: true, setpoints }))).toEqual({
      ok: true,
      message: 'setpoints updated',
    });
    expect(svc.setpoints()).toBe(setpoints);
    svc.reportCondition('telemetry_outbox_overflow', true);
    expect(await svc.ackAlarm('telemetry_outbox_overflow', 'ann')).toMatchObject({ ok: false });
    expect(
      await svc.shelveAlarm('telemetry_outbox_overflow', 5, 'ann', 'maintenance'),
    ).toMatchObject({ ok: true, alarm: { shelvedBy: 'ann' } });
    expect(await svc.resetAlarm('fill_timeout', 'ann')).toMatchObject({
      ok: false,
      code: 'refused',
    });
    expect(writes.every((pct) => pct === 0)).toBe(true);
  });

  it('a condition reported by a link raises its alarm at the next tick', async () => {
    const { svc } = service();
    await svc.onModuleInit();
    fakeTime();
    svc.reportCondition('mqtt_outbox_overflow', true);
    svc.startTicking();
    await sleep(250);
    await svc.emergencyStop('test');
    expect(svc.alarms().find((a) => a.id === 'mqtt_outbox_overflow')?.active).toBe(true);
  });

  it('tick listeners receive every tick', async () => {
    const { svc } = service();
    await svc.onModuleInit();
    fakeTime();
    const seqs: number[] = [];
    const remove = svc.onTick('test', (o) => void seqs.push(o.seq));
    svc.startTicking();
    await sleep(250);
    remove();
    await svc.emergencyStop('test');
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs[0]).toBe(1);
  });

  it('the supervisor watches completed ticks and is disarmed before an orderly stop', async () => {
    supervisors.length = 0;
    const { svc } = service({ control: { supervisor: { enabled: true, staleAfterS: 7 } } });
    await svc.onModuleInit();
    fakeTime();
    expect(supervisors).toHaveLength(0);
    svc.startTicking();
    await sleep(250);
    expect(supervisors).toHaveLength(1);
    const [supervisor] = supervisors;
    expect(supervisor.options).toEqual({
      staleAfterMs: 7000,
      // The simulated card lives in the process: the kill stops it, no command needed.
      safeStateCommand: null,
      pid: process.pid,
      onProblem: expect.any(Function),
    });
    expect(supervisor.state).toBe('started');
    expect(supervisor.beats).toBe(3);
    await svc.beforeApplicationShutdown('SIGTERM');
    expect(supervisor.state).toBe('stopped');
  });

  it('with the real card the supervisor drives the valve safe through a separate process', async () => {
    supervisors.length = 0;
    const { svc } = service({
      samplePeriodMs: 2000,
      hardware: { driver: 'megaind' },
      control: { supervisor: { enabled: true, staleAfterS: 10 } },
    });
    await svc.onModuleInit();
    fakeTime();
    svc.startTicking();
    expect(supervisors[0].options).toMatchObject({
      staleAfterMs: 10_000,
      safeStateCommand: [process.execPath, process.argv[1], '--safe-state'],
    });
  });

  it('no supervisor when it is disabled', async () => {
    supervisors.length = 0;
    const { svc } = service();
    await svc.onModuleInit();
    fakeTime();
    svc.startTicking();
    await sleep(250);
    expect(supervisors).toHaveLength(0);
  });

  it('a dead loop stops the ticks and exits the process (code 70) for a restart', async () => {
    const { svc, card } = service({
      control: { supervisor: { enabled: false }, maxConsecutiveFailures: 1 },
    });
    await svc.onModuleInit();
    fakeTime();
    card.currents = undefined; // the evaluation throws: a failed tick, the budget is 1
    svc.startTicking();
    await sleep(400);
    expect(svc.health().dead).toBe(true);
    expect(errors).toContain('control loop is dead: exiting so that the service is restarted');
    expect(exit).toHaveBeenCalledWith(70);
    const reads = card.reads;
    await sleep(250);
    expect(card.reads).toBe(reads);
  });
});
