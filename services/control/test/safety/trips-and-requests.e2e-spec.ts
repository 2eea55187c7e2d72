/**
 * Safety regressions found in review (issue 9), each against the real loop, the real megaind
 * driver and the register-level simulated card, in simulated time, with the state persisted in
 * a data directory like the service's.
 */
import { DEFAULT_SETPOINTS, setpointsSchema } from '@cryopilot/protocol';
import { createRig, Rig } from '../support/closed-loop-rig';

const O2_WARMUP_S = 60;
/** HAT inputs of the default channels. */
const O2_1 = 1;
/** mA of an O2 transmitter on 0–25 %vol: (value / 25) × 16 + 4. */
const o2mA = (pct: number) => (pct / 25) * 16 + 4;

/** Past the O2 warm-up with the level low enough that auto fills: the valve is open. */
async function fillingRig(overrides: Record<string, unknown> = {}): Promise<Rig> {
  const rig = await createRig({
    simulator: { initialLevelPct: 15, fillPctPerMin: 0 },
    ...overrides,
  });
  await rig.runUntil((o) => o.valve.open, O2_WARMUP_S + 5);
  return rig;
}

/** The O2 interlock trips (17 %vol), then air comes back (20.9 %vol). */
async function tripAndRecover(rig: Rig): Promise<void> {
  rig.sim.injectCurrent(O2_1, o2mA(17));
  await rig.runFor(1);
  expect(await rig.valveAtCard()).toBe(0);
  rig.sim.injectCurrent(O2_1, null);
  await rig.runFor(2);
  expect(rig.alarmState('o2_low_low')).toBe('latched');
}

describe('a latched O2 trip keeps fills off until a person resets it', () => {
  it('auto fill does not restart when O2 recovers; it does after alarm.reset', async () => {
    const rig = await fillingRig();
    await tripAndRecover(rig);
    // The level is still below fill start, O2 is back to normal: the valve stays shut.
    await rig.runFor(600);
    expect(await rig.valveAtCard()).toBe(0);
    expect(rig.runtime.valveState.interlocks).toContain('o2_low_low');
    expect((await rig.loop.resetAlarm('o2_low_low', 'ann')).ok).toBe(true);
    await rig.runFor(1);
    expect(await rig.valveAtCard()).toBe(100);
  });

  it('a manual open is refused while the trip is latched', async () => {
    const rig = await fillingRig();
    await tripAndRecover(rig);
    await rig.loop.setMode('manual');
    expect(await rig.loop.openValve(60)).toMatchObject({ ok: false, code: 'refused' });
  });

  it('the latch survives a crash and a clean restart', async () => {
    const rig = await fillingRig();
    await tripAndRecover(rig);
    await rig.restart({ crash: true });
    await rig.runFor(O2_WARMUP_S + 30);
    expect(rig.alarmState('o2_low_low')).toBe('latched');
    expect(await rig.valveAtCard()).toBe(0);
    await rig.restart({ crash: false });
    await rig.runFor(O2_WARMUP_S + 30);
    expect(await rig.valveAtCard()).toBe(0);
  });
});

describe('a stopped loop accepts nothing', () => {
  it('alarm.reset after shutdown is refused and the valve stays in the safe state', async () => {
    const rig = await fillingRig();
    await tripAndRecover(rig);
    await rig.loop.shutdown('SIGTERM');
    expect(await rig.loop.resetAlarm('o2_low_low', 'ann')).toMatchObject({
      ok: false,
      code: 'refused',
    });
    expect(rig.alarmState('o2_low_low')).toBe('latched');
    expect(await rig.valveAtCard()).toBe(0);
  });

  it.each([
    ['mode.set', (rig: Rig) => rig.loop.setMode('manual')],
    ['valve.close', (rig: Rig) => rig.loop.closeValve()],
    ['alarm.ack', (rig: Rig) => rig.loop.ackAlarm('o2_low_low', 'ann')],
    ['alarm.shelve', (rig: Rig) => rig.loop.shelveAlarm('level_low', 5, 'ann', 'x')],
    ['alarm.unshelve', (rig: Rig) => rig.loop.unshelveAlarm('level_low')],
    [
      'setpoints',
      (rig: Rig) =>
        rig.loop.changeSetpoints(() =>
          rig.setpoints
            .apply({ fillStartPct: 30 })
            .then((c) =>
              c.ok ? c : { ok: false as const, code: 'invalid_args' as const, message: c.message },
            ),
        ),
    ],
  ])('%s after shutdown is refused and changes nothing on disk', async (_name, request) => {
    const rig = await fillingRig();
    await rig.loop.shutdown('SIGTERM');
    const card = rig.sim.transactionCount;
    expect(await request(rig)).toMatchObject({ ok: false, code: 'refused' });
    expect(rig.sim.transactionCount).toBe(card);
    expect(rig.runtime.currentMode).toBe('auto');
    expect(rig.setpoints.get().fillStartPct).toBe(DEFAULT_SETPOINTS.fillStartPct);
  });
});

describe('a valve request whose write fails', () => {
  it('reports hardware_error, and a manual open it could not write never happens later', async () => {
    const rig = await createRig({ simulator: { initialLevelPct: 50 } });
    await rig.runFor(O2_WARMUP_S + 1);
    expect((await rig.loop.setMode('manual')).ok).toBe(true);
    rig.sim.setCardFault('card-missing');
    expect(await rig.loop.openValve(120)).toMatchObject({ ok: false, code: 'hardware_error' });
    rig.sim.setCardFault('none');
    for (let s = 0; s < 150; s += 1) {
      await rig.runFor(1);
      expect(await rig.valveAtCard()).toBe(0);
    }
    expect(rig.runtime.valveState.reason).toContain('valve write failed');
  });

  it('a card that reads but cannot write raises hardware_fault', async () => {
    const rig = await fillingRig();
    const write = jest
      .spyOn(rig.card, 'setOpenDrain')
      .mockRejectedValue(new Error('verify failed'));
    await rig.runFor(2);
    expect(rig.alarmState('hardware_fault')).toBe('active-unacked');
    expect(rig.runtime.valveState.interlocks).toContain('hardware_fault');
    write.mockRestore();
  });
});

describe('"keep closed" survives restarts', () => {
  it.each([true, false])(
    'valve.close in auto → manual, restart (crash %s): the valve stays shut at 15 %',
    async (crash) => {
      const rig = await fillingRig();
      expect(await rig.loop.closeValve()).toMatchObject({ ok: true });
      expect(rig.runtime.currentMode).toBe('manual');
      await rig.restart({ crash });
      expect(rig.runtime.currentMode).toBe('manual');
      for (let s = 0; s < O2_WARMUP_S + 60; s += 5) {
        await rig.runFor(5);
        expect(await rig.valveAtCard()).toBe(0);
      }
    },
  );
});

describe('setpoint edits take effect', () => {
  it('a new o2AlarmOnDelayS applies to the o2_low alarm at once', async () => {
    const rig = await createRig({ simulator: { initialLevelPct: 50 } });
    await rig.runFor(O2_WARMUP_S + 1);
    const setpoints = setpointsSchema.parse({ ...DEFAULT_SETPOINTS, o2AlarmOnDelayS: 60 });
    await rig.loop.changeSetpoints(() => Promise.resolve({ ok: true as const, setpoints }));
    rig.sim.injectCurrent(O2_1, o2mA(19));
    await rig.runFor(30);
    expect(rig.alarmState('o2_low')).toBe('normal');
    await rig.runFor(31);
    expect(rig.alarmState('o2_low')).toBe('active-unacked');
  });
});

describe('start-up counts good level samples, not operator requests', () => {
  it('requests between samples do not shorten the start-up inhibit', async () => {
    const rig = await createRig({ simulator: { initialLevelPct: 15 } });
    const [first] = await rig.runFor(0.5);
    expect(first?.channels.find((c) => c.id === 'ln2_level')?.quality).toBe('good');
    // Each request re-evaluates the valve with the same (one) good level sample.
    for (let i = 0; i < 5; i++) await rig.loop.setMode('auto');
    expect(rig.runtime.valveState.interlocks).toContain('startup');
  });
});

describe('hazard: a hung loop, through the loop itself', () => {
  it('a bus call that never returns stops every tick and request, so the card watchdog fires', async () => {
    const rig = await fillingRig();
    const period = rig.config.samplePeriodMs;
    const completed = jest.fn();
    rig.loop.onTickCompleted(completed);
    rig.sim.setCardFault('bus-hang');
    // The scheduler would go on calling tick(); each queues behind the hung one.
    const pending = [rig.loop.tick(), rig.loop.tick(), rig.loop.setMode('manual')];
    const transactions = rig.sim.transactionCount;
    for (let t = 0; t < ((rig.config.hardware.watchdog.periodS + 2) * 1000) / period; t++) {
      rig.clock.advance(period);
      pending.push(rig.loop.tick());
      await Promise.resolve();
    }
    expect(completed).not.toHaveBeenCalled();
    // Only the one hung transaction was attempted: nothing fed the card since.
    expect(rig.sim.transactionCount - transactions).toBeLessThanOrEqual(1);
    expect(rig.sim.watchdogState().trips).toBe(1);
    void pending;
  });
});
