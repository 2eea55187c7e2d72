import { DEFAULT_SETPOINTS, Setpoints } from '@cryopilot/protocol';
import { ManualClock } from '../clock/testing/manual-clock';
import { appConfigSchema } from '../config/config.schema';
import type { MegaindCard } from '../hardware/megaind/megaind-card';
import type { ValveOutput } from '../hardware/valve-output';
import type { ControlLoop, ControlStateSink } from './control-loop';
import type { PersistentControlState } from './control-runtime';
import { createControlLoop } from './create-control-loop';

/** mA of a 4–20 mA transmitter for `value` on 0..`span`. */
const mA = (value: number, span: number) => 4 + (value / span) * 16;
const o2 = (pct: number) => mA(pct, 25);
const level = (pct: number) => mA(pct, 100);

const FIRMWARE = { major: 4, minor: 11, text: '04.11' };

/** The card as the loop sees it: inputs, diagnostics and watchdog registers, with faults. */
class FakeCard {
  readonly address = 0x50;
  currents = [o2(20.9), o2(20.9), level(50), 4];
  supplyV = 24;
  readsFail = false;
  detectFails = false;
  diagnosticsFail = false;
  /** Watchdog setting writes that do not take (read back as `ignoredValue`). */
  watchdogWritesIgnored = 0;
  watchdogWritesThrow = 0;
  readonly wd = { period: 0, initial: 0, off: 0 };
  readonly calls: string[] = [];

  readCurrentInputs = jest.fn(() => {
    this.calls.push('read');
    return this.readsFail
      ? Promise.reject(new Error('bus error'))
      : Promise.resolve([...this.currents]);
  });
  detect = jest.fn(() => {
    this.calls.push('detect');
    return this.detectFails ? Promise.reject(new Error('no card')) : Promise.resolve(FIRMWARE);
  });
  readDiagnostics = jest.fn(() => {
    this.calls.push('diagnostics');
    return this.diagnosticsFail
      ? Promise.reject(new Error('diag error'))
      : Promise.resolve({ cpuTempC: 41, supplyV: this.supplyV, pi5vV: 5.1 });
  });
  watchdogReload = jest.fn(() => {
    this.calls.push('reload');
    return Promise.resolve();
  });
  watchdogSetPeriod = jest.fn((s: number) => this.setWd('period', s));
  watchdogSetInitialPeriod = jest.fn((s: number) => this.setWd('initial', s));
  watchdogSetOffTime = jest.fn((s: number) => this.setWd('off', s));
  watchdogGetPeriod = jest.fn(() => Promise.resolve(this.wd.period));
  watchdogGetInitialPeriod = jest.fn(() => Promise.resolve(this.wd.initial));
  watchdogGetOffTime = jest.fn(() => Promise.resolve(this.wd.off));

  private setWd(key: 'period' | 'initial' | 'off', seconds: number): Promise<void> {
    this.calls.push(`wd-${key}`);
    if (this.watchdogWritesThrow > 0) {
      this.watchdogWritesThrow -= 1;
      return Promise.reject(new Error('nack'));
    }
    if (this.watchdogWritesIgnored > 0) {
      if (key === 'off') this.watchdogWritesIgnored -= 1;
      this.wd[key] = 30;
      return Promise.resolve();
    }
    this.wd[key] = seconds;
    return Promise.resolve();
  }
}

/** The valve output: what was written, in order; writes fail while `fails`. */
class FakeValve {
  fails = false;
  readonly writes: number[] = [];
  write = jest.fn((pct: number) => {
    if (this.fails) return Promise.reject(new Error('write nack'));
    this.writes.push(pct);
    return Promise.resolve();
  });
  get last(): number | undefined {
    return this.writes.at(-1);
  }
}

class Sink implements ControlStateSink {
  readonly saved: PersistentControlState[] = [];
  save(state: PersistentControlState): Promise<void> {
    this.saved.push(state);
    return Promise.resolve();
  }
  get last(): PersistentControlState | undefined {
    return this.saved.at(-1);
  }
}

interface Setup {
  loop: ControlLoop;
  card: FakeCard;
  valve: FakeValve;
  clock: ManualClock;
  sink: Sink;
  lines: string[];
  /** Advances the clock one period (500 ms) and ticks. */
  tick(): ReturnType<ControlLoop['tick']>;
}

/**
 * The loop wired as the service wires it (createControlLoop), on a fake card and valve output:
 * O2 sensors without warm-up so that fills are possible right after start-up.
 */
function setup(
  over: {
    config?: Record<string, unknown>;
    restored?: PersistentControlState;
    setpoints?: Setpoints;
    noSink?: boolean;
  } = {},
): Setup {
  const config = appConfigSchema().parse({
    deviceId: 'unit',
    dataDir: '/nonexistent',
    channels: [
      {
        id: 'o2_1',
        label: 'O2 1',
        role: 'o2',
        input: 1,
        unit: '%vol',
        range: { min: 0, max: 25 },
        warmupS: 0,
      },
      {
        id: 'o2_2',
        label: 'O2 2',
        role: 'o2',
        input: 2,
        unit: '%vol',
        range: { min: 0, max: 25 },
        warmupS: 0,
      },
      {
        id: 'lvl',
        label: 'Level',
        role: 'level',
        input: 3,
        unit: '%',
        range: { min: 0, max: 100 },
        warmupS: 0,
      },
    ],
    ...over.config,
  });
  const card = new FakeCard();
  const valve = new FakeValve();
  const clock = new ManualClock();
  const sink = new Sink();
  const lines: string[] = [];
  const loop = createControlLoop({
    config,
    setpoints: over.setpoints ?? DEFAULT_SETPOINTS,
    card: card as unknown as MegaindCard,
    valveOutput: valve as unknown as ValveOutput,
    clock,
    logger: {
      log: (m) => lines.push(`log ${m}`),
      warn: (m) => lines.push(`warn ${m}`),
      error: (m) => lines.push(`error ${m}`),
    },
    stateSink: over.noSink ? null : sink,
    restored: over.restored ?? { mode: 'auto', latched: [] },
  });
  return {
    loop,
    card,
    valve,
    clock,
    sink,
    lines,
    tick: () => {
      clock.advance(500);
      return loop.tick();
    },
  };
}

/** Started and past start-up (3 good level samples) with the level at `levelPct`. */
async function running(levelPct = 50, over: Parameters<typeof setup>[0] = {}): Promise<Setup> {
  const s = setup(over);
  s.card.currents[2] = level(levelPct);
  await s.loop.start();
  for (let i = 0; i < 3; i++) await s.tick();
  return s;
}

const matching = (lines: string[], text: string) => lines.filter((l) => l.includes(text));

describe('ControlLoop start-up', () => {
  it('drives the valve to the safe state before touching the card, then configures the card', async () => {
    const s = setup();
    s.valve.write.mockImplementation((pct: number) => {
      s.card.calls.push(`valve ${pct}`);
      s.valve.writes.push(pct);
      return Promise.resolve();
    });
    expect(s.loop.accepting).toBe(false);
    await s.loop.start();
    expect(s.card.calls.slice(0, 5)).toEqual([
      'valve 0',
      'detect',
      'wd-period',
      'wd-initial',
      'wd-off',
    ]);
    expect(s.card.wd).toEqual({ period: 60, initial: 300, off: 10 });
    expect(s.loop.accepting).toBe(true);
    expect(s.loop.health()).toMatchObject({
      started: true,
      dead: false,
      firmware: FIRMWARE,
      watchdogConfigured: true,
      ticks: 0,
      lastTickWall: null,
    });
    expect(s.lines).toEqual(
      expect.arrayContaining([
        'log valve in safe state (start-up)',
        'log megaind card firmware 04.11 at 0x50',
        'log card watchdog: period 60 s, after power-up 300 s, off 10 s (read back)',
      ]),
    );
  });

  it('starts without the card (logged); the valve stays closed and nothing is reloaded', async () => {
    const s = setup();
    s.card.detectFails = true;
    s.card.readsFail = true;
    await s.loop.start();
    expect(s.loop.accepting).toBe(true);
    expect(s.lines).toContain('error card not ready at start-up: no card');
    await s.tick();
    await s.tick();
    expect(s.valve.writes.every((pct) => pct === 0)).toBe(true);
    expect(s.card.watchdogReload).not.toHaveBeenCalled();
    expect(s.loop.health()).toMatchObject({ hardwareOk: false, firmware: null, ticks: 2 });
  });

  it('configures a card that answers only after start-up, at its first good read', async () => {
    const s = setup();
    s.card.detectFails = true;
    await s.loop.start();
    s.card.detectFails = false;
    await s.tick();
    expect(s.card.detect).toHaveBeenCalledTimes(2);
    expect(s.loop.health()).toMatchObject({ firmware: FIRMWARE, watchdogConfigured: true });
    expect(s.card.watchdogReload).toHaveBeenCalledTimes(1);
    // Detected once: later ticks do not detect again.
    await s.tick();
    expect(s.card.detect).toHaveBeenCalledTimes(2);
  });

  it('a late detection that fails is logged and the tick goes on with the inputs it read', async () => {
    const s = setup();
    s.card.detectFails = true;
    await s.loop.start();
    const outcome = await s.tick();
    expect(outcome).not.toBeNull();
    expect(s.lines).toContain('warn late card detection failed: no card');
    expect(s.loop.health()).toMatchObject({ hardwareOk: true, firmware: null });
    // Without a detected card the loop never sends a reload it could not have configured.
    expect(s.card.watchdogReload).not.toHaveBeenCalled();
  });

  it('retries a failed late detection every 10 s, not at every tick, until it succeeds', async () => {
    const s = setup();
    s.card.detectFails = true;
    await s.loop.start();
    await s.tick(); // first late attempt, at the first good read
    expect(s.card.detect).toHaveBeenCalledTimes(2);
    for (let i = 0; i < 19; i++) await s.tick(); // 9.5 s later
    expect(s.card.detect).toHaveBeenCalledTimes(2);
    await s.tick(); // 10 s after the last attempt
    expect(s.card.detect).toHaveBeenCalledTimes(3);
    s.card.detectFails = false;
    for (let i = 0; i < 20; i++) await s.tick();
    expect(s.card.detect).toHaveBeenCalledTimes(4);
    expect(s.loop.health()).toMatchObject({ firmware: FIRMWARE, watchdogConfigured: true });
    expect(s.card.watchdogReload).toHaveBeenCalled();
  });

  it('does not detect again while the reads keep failing', async () => {
    const s = setup();
    s.card.detectFails = true;
    s.card.readsFail = true;
    await s.loop.start();
    await s.tick();
    await s.tick();
    expect(s.card.detect).toHaveBeenCalledTimes(1);
  });
});

describe('ControlLoop watchdog settings (written, read back, retried)', () => {
  it('retries settings that did not take and reports which ones', async () => {
    const s = setup();
    s.card.watchdogWritesIgnored = 1;
    await s.loop.start();
    expect(s.card.watchdogSetPeriod).toHaveBeenCalledTimes(2);
    expect(s.loop.health().watchdogConfigured).toBe(true);
    expect(s.lines).toContain(
      'warn watchdog settings did not take (attempt 1): periodS 30 instead of 60, ' +
        'initialPeriodS 30 instead of 300, offTimeS 30 instead of 10',
    );
  });

  it('gives up after 3 attempts: not configured, said so', async () => {
    const s = setup();
    s.card.watchdogWritesIgnored = 5;
    await s.loop.start();
    expect(s.card.watchdogSetPeriod).toHaveBeenCalledTimes(3);
    expect(s.loop.health().watchdogConfigured).toBe(false);
    expect(matching(s.lines, 'did not take (attempt 3)')).toHaveLength(1);
    expect(s.lines).toContain(
      "error card watchdog not configured after 3 attempts: it keeps the card's own settings " +
        '(see /api/diagnostics)',
    );
    // Still a working loop: the card is reloaded at every good tick all the same.
    await s.tick();
    expect(s.card.watchdogReload).toHaveBeenCalledTimes(1);
  });

  it('retries a write that fails on the bus', async () => {
    const s = setup();
    s.card.watchdogWritesThrow = 2;
    await s.loop.start();
    expect(s.lines).toEqual(
      expect.arrayContaining([
        'warn watchdog configuration failed (attempt 1): nack',
        'warn watchdog configuration failed (attempt 2): nack',
      ]),
    );
    expect(s.loop.health().watchdogConfigured).toBe(true);
    expect(s.card.wd).toEqual({ period: 60, initial: 300, off: 10 });
  });

  it('a setting that reads back wrong on one register only is retried', async () => {
    const s = setup();
    s.card.watchdogGetOffTime.mockResolvedValueOnce(99);
    await s.loop.start();
    expect(s.lines).toContain(
      'warn watchdog settings did not take (attempt 1): offTimeS 99 instead of 10',
    );
    expect(s.loop.health().watchdogConfigured).toBe(true);
  });

  it('a disabled watchdog is neither configured nor reloaded', async () => {
    const s = setup({ config: { hardware: { watchdog: { enabled: false } } } });
    await s.loop.start();
    await s.tick();
    expect(s.card.watchdogSetPeriod).not.toHaveBeenCalled();
    expect(s.card.watchdogReload).not.toHaveBeenCalled();
    expect(s.loop.health().watchdogConfigured).toBe(false);
  });
});

describe('ControlLoop ticks', () => {
  it('does nothing before start', async () => {
    const s = setup();
    expect(await s.tick()).toBeNull();
    expect(s.card.readCurrentInputs).not.toHaveBeenCalled();
  });

  it('reads, decides, writes, then reloads the watchdog; counts the tick and tells listeners', async () => {
    const s = setup();
    await s.loop.start();
    const completed = jest.fn();
    const seen: number[] = [];
    s.loop.onTickCompleted(completed);
    s.loop.onTick('test', (o) => void seen.push(o.seq));
    s.card.calls.length = 0;
    const outcome = await s.tick();
    expect(outcome?.seq).toBe(1);
    expect(s.card.calls).toEqual(['read', 'diagnostics', 'reload']);
    expect(s.valve.last).toBe(0);
    // Nothing failed yet: the first evaluation sees working hardware (no hardware_fault blip).
    expect(outcome?.decision.interlocks).not.toContain('hardware_fault');
    expect(s.loop.runtime.alarms.get('hardware_fault')?.state).toBe('normal');
    expect(completed).toHaveBeenCalledTimes(1);
    expect(seen).toEqual([1]);
    expect(s.loop.health()).toMatchObject({
      hardwareOk: true,
      ticks: 1,
      lastTickWall: s.clock.wallMs(),
      watchdogReloads: 1,
      consecutiveFailures: 0,
    });
  });

  it('a failed watchdog reload is logged and the loop goes on (the period spans many ticks)', async () => {
    const s = setup();
    await s.loop.start();
    s.card.watchdogReload.mockRejectedValueOnce(new Error('nack'));
    expect(await s.tick()).not.toBeNull();
    expect(s.lines).toContain('warn watchdog reload failed: nack');
    expect(s.loop.health()).toMatchObject({ watchdogReloads: 0, ticks: 1, hardwareOk: true });
    await s.tick();
    expect(s.loop.health().watchdogReloads).toBe(1);
  });

  it('fills in auto: the valve output follows the decision at every tick', async () => {
    const s = await running(15);
    expect(s.valve.last).toBe(100);
    s.card.currents[2] = level(80);
    await s.tick();
    expect(s.valve.last).toBe(0);
  });

  it('a read failure makes the channels stale: valve closed by hardware_fault, no reload, logged once per outage', async () => {
    const s = await running(15);
    expect(s.valve.last).toBe(100);
    const reloads = s.card.watchdogReload.mock.calls.length;
    s.card.readsFail = true;
    const outcome = await s.tick();
    // The closing decision reaches the card on the very tick whose read failed: a card whose
    // inputs fail can often still be written, and the valve must not stay open meanwhile.
    expect(s.valve.last).toBe(0);
    await s.tick();
    expect(outcome?.channels.every((c) => c.quality === 'stale')).toBe(true);
    expect(outcome?.valve.open).toBe(false);
    expect(outcome?.decision.interlocks).toContain('hardware_fault');
    expect(s.card.watchdogReload).toHaveBeenCalledTimes(reloads);
    expect(s.loop.health().hardwareOk).toBe(false);
    expect(matching(s.lines, 'warn input read failed: bus error')).toHaveLength(1);
    // Back, and failing again: a new outage is reported again.
    s.card.readsFail = false;
    await s.tick();
    expect(s.loop.health().hardwareOk).toBe(true);
    s.card.readsFail = true;
    await s.tick();
    expect(matching(s.lines, 'warn input read failed: bus error')).toHaveLength(2);
  });

  it('a read failure at the very first tick is reported', async () => {
    const s = setup();
    await s.loop.start();
    s.card.readsFail = true;
    await s.tick();
    expect(matching(s.lines, 'warn input read failed')).toHaveLength(1);
  });

  it('reads the diagnostics every diagnosticsPeriodS and feeds the supply voltage to the alarms', async () => {
    const s = setup({ config: { hardware: { diagnosticsPeriodS: 10 } } });
    await s.loop.start();
    s.card.supplyV = 9;
    await s.tick(); // t = 0.5 s: first read
    expect(s.card.readDiagnostics).toHaveBeenCalledTimes(1);
    expect(s.loop.health().diagnostics).toEqual({
      cpuTempC: 41,
      supplyV: 9,
      pi5vV: 5.1,
      ts: new Date(s.clock.wallMs()).toISOString(),
    });
    for (let t = 1; t < 20; t++) await s.tick(); // up to t = 10 s
    expect(s.card.readDiagnostics).toHaveBeenCalledTimes(1);
    await s.tick(); // t = 10.5 s: 10 s after the first read
    expect(s.card.readDiagnostics).toHaveBeenCalledTimes(2);
    // supply_voltage has a 5 s on-delay: raised by now from the 9 V read at the first tick.
    expect(s.loop.runtime.alarms.get('supply_voltage')?.active).toBe(true);
  });

  it('a failed diagnostics read keeps the last values and the tick goes on', async () => {
    const s = setup({ config: { hardware: { diagnosticsPeriodS: 1 } } });
    await s.loop.start();
    await s.tick();
    const first = s.loop.health().diagnostics;
    s.card.diagnosticsFail = true;
    await s.tick();
    const outcome = await s.tick();
    expect(outcome).not.toBeNull();
    expect(s.loop.health().diagnostics).toEqual(first);
    expect(s.lines).toContain('warn diagnostics read failed: diag error');
  });

  it('a valve write that fails is a hardware fault: safe state tried, no reload, logged once', async () => {
    const s = await running(15);
    expect(s.valve.last).toBe(100);
    const reloads = s.card.watchdogReload.mock.calls.length;
    s.valve.fails = true;
    await s.tick();
    // Reported at the first failure, with the safe-state attempt that failed too.
    expect(s.lines.filter((l) => l.startsWith('error'))).toEqual([
      'error valve write failed: write nack',
      'error could not drive the valve to the safe state (valve write failure): write nack',
    ]);
    const next = await s.tick();
    expect(s.valve.write).toHaveBeenLastCalledWith(0);
    expect(s.loop.health().hardwareOk).toBe(false);
    expect(next?.valve).toMatchObject({ open: false });
    expect(next?.decision.interlocks).toContain('hardware_fault');
    expect(s.card.watchdogReload).toHaveBeenCalledTimes(reloads);
    expect(matching(s.lines, 'valve write failed')).toHaveLength(1);
    expect(matching(s.lines, 'could not drive the valve to the safe state')).toHaveLength(1);
    s.valve.fails = false;
    await s.tick();
    expect(s.loop.health().hardwareOk).toBe(true);
  });

  it('a valve that closes but cannot open: safe state logged once, not at every tick', async () => {
    const s = await running(15);
    s.valve.write.mockImplementation((pct: number) => {
      if (pct > 0) return Promise.reject(new Error('open nack'));
      s.valve.writes.push(pct);
      return Promise.resolve();
    });
    s.card.currents[2] = level(80); // closes
    await s.tick();
    s.card.currents[2] = level(15);
    for (let i = 0; i < 130; i++) await s.tick(); // past minOffS: it tries to open again
    expect(matching(s.lines, 'log valve in safe state (valve write failure)')).toHaveLength(1);
    expect(matching(s.lines, 'valve write failed: open nack')).toHaveLength(1);
    expect(s.valve.last).toBe(0);
  });

  it('a flaky output (every other write fails): the safe state is logged once per outage', async () => {
    const s = await running(15);
    let calls = 0;
    s.valve.write.mockImplementation((pct: number) => {
      calls += 1;
      if (calls % 2 === 1) return Promise.reject(new Error('flaky'));
      s.valve.writes.push(pct);
      return Promise.resolve();
    });
    for (let i = 0; i < 6; i++) await s.tick();
    expect(calls).toBeGreaterThanOrEqual(12);
    expect(matching(s.lines, 'log valve in safe state (valve write failure)')).toHaveLength(1);
    expect(matching(s.lines, 'valve write failed: flaky')).toHaveLength(1);
    expect(s.valve.last).toBe(0);
  });

  it('a request after a failed read is decided with the hardware fault', async () => {
    const s = await running(50);
    s.card.readsFail = true;
    await s.tick();
    await s.loop.setMode('manual');
    expect(s.loop.runtime.valveState.interlocks).toContain('hardware_fault');
  });

  it('valve.close that cannot be written answers hardware_error, not an exception', async () => {
    const s = await running(15);
    s.valve.fails = true;
    await expect(s.loop.closeValve()).resolves.toMatchObject({
      ok: false,
      code: 'hardware_error',
    });
  });

  it('persists a trip that latched during the tick before the tick ends', async () => {
    const s = await running(15);
    s.card.currents[0] = o2(17);
    let savedBeforeListeners: PersistentControlState | undefined;
    s.loop.onTick('check', () => void (savedBeforeListeners = s.sink.last));
    await s.tick();
    expect(savedBeforeListeners?.latched).toEqual(['o2_low_low']);
    expect(s.valve.last).toBe(0);
  });

  it('a tick that fails in evaluation is counted and made safe; a good tick resets the count', async () => {
    const s = await running(15, { config: { control: { maxConsecutiveFailures: 3 } } });
    const tick = jest.spyOn(s.loop.runtime, 'tick').mockImplementation(() => {
      throw new Error('bug in evaluation');
    });
    expect(await s.tick()).toBeNull();
    expect(await s.tick()).toBeNull();
    expect(s.valve.last).toBe(0);
    expect(s.loop.health()).toMatchObject({ consecutiveFailures: 2, dead: false });
    expect(s.lines).toContain('error tick failed: bug in evaluation');
    expect(s.lines).toContain('log valve in safe state (tick failure)');
    tick.mockRestore();
    expect(await s.tick()).not.toBeNull();
    expect(s.loop.health().consecutiveFailures).toBe(0);
  });

  it('declares itself dead after maxConsecutiveFailures and never touches the card again', async () => {
    const s = await running(15, { config: { control: { maxConsecutiveFailures: 3 } } });
    const died = jest.fn();
    s.loop.onDeath(died);
    jest.spyOn(s.loop.runtime, 'tick').mockImplementation(() => {
      throw new Error('bug');
    });
    await s.tick();
    await s.tick();
    expect(died).not.toHaveBeenCalled();
    await s.tick();
    expect(died).toHaveBeenCalledTimes(1);
    expect(s.loop.accepting).toBe(false);
    expect(s.loop.health()).toMatchObject({ dead: true, consecutiveFailures: 3 });
    expect(s.lines).toContain(
      'error control loop dead after 3 consecutive failed ticks: valve left in safe state, ' +
        'card no longer touched (its watchdog will fire)',
    );
    const reads = s.card.readCurrentInputs.mock.calls.length;
    const writes = s.valve.write.mock.calls.length;
    expect(await s.tick()).toBeNull();
    expect(s.card.readCurrentInputs).toHaveBeenCalledTimes(reads);
    expect(s.valve.write).toHaveBeenCalledTimes(writes);
    expect(died).toHaveBeenCalledTimes(1);
  });
});

describe('ControlLoop shutdown', () => {
  it('drives the valve safe once, then refuses every request and stops touching the card', async () => {
    const s = await running(15);
    expect(s.valve.last).toBe(100);
    await s.loop.shutdown('test stop');
    expect(s.valve.last).toBe(0);
    expect(s.lines).toContain('log valve in safe state (test stop)');
    expect(s.loop.accepting).toBe(false);
    expect(s.loop.health().dead).toBe(true);
    const writes = s.valve.write.mock.calls.length;
    const reads = s.card.readCurrentInputs.mock.calls.length;
    await s.loop.shutdown('again');
    expect(await s.tick()).toBeNull();
    const stopped = {
      ok: false,
      code: 'refused',
      message: 'control loop stopped: nothing is accepted',
    };
    expect(await s.loop.setMode('manual')).toEqual(stopped);
    expect(await s.loop.closeValve()).toEqual(stopped);
    expect(await s.loop.openValve(10)).toEqual(stopped);
    expect(await s.loop.ackAlarm('o2_low', 'ann')).toEqual(stopped);
    expect(await s.loop.shelveAlarm('o2_low', 5, 'ann', 'x')).toEqual(stopped);
    expect(await s.loop.resetAlarm('o2_low_low', 'ann')).toEqual(stopped);
    const apply = jest.fn();
    expect(await s.loop.changeSetpoints(apply)).toEqual(stopped);
    expect(apply).not.toHaveBeenCalled();
    expect(s.valve.write).toHaveBeenCalledTimes(writes);
    expect(s.card.readCurrentInputs).toHaveBeenCalledTimes(reads);
    expect(s.loop.runtime.currentMode).toBe('auto');
  });

  it('stops even when the safe state cannot be written (logged)', async () => {
    const s = await running(15);
    s.valve.fails = true;
    await s.loop.shutdown('sigterm');
    expect(s.loop.health().dead).toBe(true);
    expect(s.lines).toContain(
      'error could not drive the valve to the safe state (sigterm): write nack',
    );
  });

  it('refuses requests before start', async () => {
    const s = setup();
    expect(await s.loop.setMode('manual')).toMatchObject({ ok: false, code: 'refused' });
    expect(s.loop.runtime.currentMode).toBe('auto');
  });
});

describe('ControlLoop operator requests', () => {
  it('valve.close while filling closes at once (no tick), switches to manual and saves it', async () => {
    const s = await running(15);
    expect(s.valve.last).toBe(100);
    expect(await s.loop.closeValve()).toEqual({
      ok: true,
      message: 'valve closed; mode switched to manual',
    });
    expect(s.valve.last).toBe(0);
    expect(s.sink.last).toEqual({ mode: 'manual', latched: [] });
    expect(s.loop.runtime.valveState).toMatchObject({ open: false, mode: 'manual' });
  });

  it('valve.open in manual opens at once for the requested time', async () => {
    const s = await running(50);
    expect(await s.loop.setMode('manual')).toEqual({ ok: true, message: 'mode set to manual' });
    expect(s.sink.last?.mode).toBe('manual');
    expect(await s.loop.openValve(60)).toEqual({ ok: true, message: 'valve open for 60 s' });
    expect(s.valve.last).toBe(100);
    expect(s.loop.runtime.valveState.manualUntil).toBe(
      new Date(s.clock.wallMs() + 60_000).toISOString(),
    );
  });

  it('a refused request writes nothing', async () => {
    const s = await running(50);
    const writes = s.valve.write.mock.calls.length;
    expect(await s.loop.openValve(60)).toMatchObject({ ok: false, code: 'refused' });
    expect(s.valve.write).toHaveBeenCalledTimes(writes);
  });

  it('valve.open that cannot be written fails the request and never opens later by itself', async () => {
    const s = await running(50);
    await s.loop.setMode('manual');
    s.valve.fails = true;
    const result = await s.loop.openValve(60);
    expect(result).toEqual({
      ok: false,
      code: 'hardware_error',
      message:
        'valve open for 60 s, but the valve output could not be written (card not responding): ' +
        'the valve is being driven to the safe state',
    });
    // The fault is shown at once, not at the next tick.
    expect(s.loop.runtime.valveState).toMatchObject({ open: false });
    expect(s.loop.runtime.valveState.interlocks).toContain('hardware_fault');
    s.valve.fails = false;
    await s.tick();
    await s.tick();
    expect(s.valve.writes.filter((pct) => pct === 100)).toHaveLength(0);
    expect(s.loop.runtime.valveState.reason).toBe('manual open cancelled: valve write failed');
  });

  it('a request right after a failed valve write is decided with the hardware fault', async () => {
    const s = await running(50);
    await s.loop.setMode('manual');
    s.valve.fails = true;
    await s.tick();
    s.valve.fails = false;
    // Reads are fine, but the last write failed: the valve does not open on this request, the
    // request says so, and the open is not kept for later either.
    expect(await s.loop.openValve(60)).toEqual({
      ok: false,
      code: 'hardware_error',
      message: 'valve not opened: manual open ended by interlock: hardware_fault',
    });
    expect(s.loop.runtime.valveState.open).toBe(false);
    expect(s.loop.runtime.valveState.reason).toBe('manual open ended by interlock: hardware_fault');
    await s.tick();
    await s.tick();
    expect(s.valve.writes.filter((pct) => pct === 100)).toHaveLength(0);
  });

  it('setpoints: an invalid change is returned as is; a valid one applies and re-decides at once', async () => {
    const s = await running(30);
    expect(s.valve.last).toBe(0);
    const invalid = { ok: false as const, code: 'invalid_args' as const, message: 'no' };
    expect(await s.loop.changeSetpoints(() => Promise.resolve(invalid))).toEqual(invalid);
    expect(s.loop.runtime.currentSetpoints).toBe(DEFAULT_SETPOINTS);
    const setpoints = { ...DEFAULT_SETPOINTS, fillStartPct: 40, fillStopPct: 90 };
    const result = await s.loop.changeSetpoints(() => Promise.resolve({ ok: true, setpoints }));
    expect(result).toEqual({ ok: true, message: 'setpoints updated' });
    expect(s.loop.runtime.currentSetpoints).toBe(setpoints);
    expect(s.valve.last).toBe(100);
  });

  it('alarm.ack and alarm.shelve act on the alarm book at the loop clock', async () => {
    const s = await running(5); // level_low
    const ack = await s.loop.ackAlarm('level_low', 'ann', 'seen');
    expect(ack).toMatchObject({ ok: true, alarm: { state: 'active-acked', ackedBy: 'ann' } });
    const shelve = await s.loop.shelveAlarm('level_low', 5, 'bob', 'refill ordered');
    expect(shelve).toMatchObject({
      ok: true,
      alarm: {
        state: 'shelved',
        shelvedBy: 'bob',
        shelvedUntil: new Date(s.clock.wallMs() + 5 * 60_000).toISOString(),
      },
    });
  });

  it('alarm.reset of a cleared trip re-decides and saves at once', async () => {
    const s = await running(15);
    s.card.currents[0] = o2(17);
    await s.tick();
    s.card.currents[0] = o2(20.9);
    // Past minOffS (60 s): only the latch keeps the valve shut.
    for (let i = 0; i < 130; i++) await s.tick();
    expect(s.valve.last).toBe(0);
    expect(s.loop.runtime.valveState.interlocks).toEqual(['o2_low_low']);
    expect(s.sink.last?.latched).toEqual(['o2_low_low']);
    const result = await s.loop.resetAlarm('o2_low_low', 'ann');
    expect(result).toMatchObject({ ok: true, alarm: { state: 'normal' } });
    expect(s.valve.last).toBe(100);
    expect(s.sink.last?.latched).toEqual([]);
  });

  it('a refused alarm.reset changes nothing', async () => {
    const s = await running(15);
    s.card.currents[0] = o2(17);
    await s.tick();
    const saves = s.sink.saved.length;
    const writes = s.valve.write.mock.calls.length;
    expect(await s.loop.resetAlarm('o2_low_low', 'ann')).toMatchObject({ ok: false });
    expect(s.sink.saved).toHaveLength(saves);
    expect(s.valve.write).toHaveBeenCalledTimes(writes);
  });
});

describe('ControlLoop without a state sink (state kept in memory only)', () => {
  it('ticks, trips and takes requests all the same', async () => {
    const s = setup({ noSink: true });
    s.card.currents[2] = level(15);
    await s.loop.start();
    for (let i = 0; i < 3; i++) await s.tick();
    expect(s.valve.last).toBe(100);
    s.card.currents[0] = o2(17);
    expect(await s.tick()).not.toBeNull();
    expect(await s.loop.closeValve()).toMatchObject({ ok: true });
    expect(s.sink.saved).toEqual([]);
  });
});

describe('createControlLoop', () => {
  it('restores the saved mode and latched trips', async () => {
    const s = setup({ restored: { mode: 'manual', latched: ['fill_timeout'] } });
    await s.loop.start();
    expect(s.loop.runtime.currentMode).toBe('manual');
    expect(s.loop.runtime.alarms.get('fill_timeout')?.state).toBe('latched');
  });

  it('starts from the given setpoints and the configured start-up sample count', async () => {
    const setpoints = { ...DEFAULT_SETPOINTS, fillStartPct: 40, fillStopPct: 90 };
    const s = setup({ setpoints, config: { control: { startupGoodSamples: 5 } } });
    s.card.currents[2] = level(30);
    await s.loop.start();
    for (let i = 0; i < 4; i++) await s.tick();
    expect(s.valve.last).toBe(0);
    await s.tick();
    expect(s.valve.last).toBe(100);
  });
});
