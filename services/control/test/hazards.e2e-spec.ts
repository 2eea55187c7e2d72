/**
 * Each hazard of docs/safety.md reproduced against the real control loop, the real megaind
 * driver and the register-level simulated card, in simulated time.
 */
import { createRig, Rig } from './support/closed-loop-rig';

const O2_WARMUP_S = 60;
/** A rig past the O2 warm-up, level low enough that auto fills. */
async function fillingRig(overrides: Record<string, unknown> = {}): Promise<Rig> {
  const rig = await createRig({ simulator: { initialLevelPct: 15 }, ...overrides });
  await rig.runUntil((o) => o.valve.open, O2_WARMUP_S + 5);
  expect(await rig.valveAtCard()).toBe(100);
  return rig;
}

describe('hazard: valve stuck open by a software hang', () => {
  it('the card watchdog never trips while the loop is healthy', async () => {
    const rig = await createRig();
    await rig.runFor(600);
    expect(rig.sim.watchdogState()).toMatchObject({ enabled: true, trips: 0 });
    expect(rig.loop.health().watchdogReloads).toBeGreaterThan(1000);
  });

  it('a hung loop stops touching the card, so its watchdog power-cycles the Pi', async () => {
    const rig = await createRig();
    await rig.runFor(10);
    rig.clock.advance((rig.config.hardware.watchdog.periodS + 1) * 1000); // no ticks: hang
    expect(rig.sim.watchdogState().trips).toBe(1);
  });

  it('a loop failing every tick goes safe, declares itself dead and goes silent', async () => {
    const rig = await fillingRig({ control: { maxConsecutiveFailures: 5 } });
    const died = jest.fn();
    rig.loop.onDeath(died);
    jest.spyOn(rig.runtime, 'tick').mockImplementation(() => {
      throw new Error('bug in evaluation');
    });
    await rig.runFor(5);
    expect(died).toHaveBeenCalledTimes(1);
    expect(await rig.valveAtCard()).toBe(0);
    const transactions = rig.sim.transactionCount;
    await rig.runFor(120);
    expect(rig.sim.transactionCount).toBe(transactions);
    expect(rig.sim.watchdogState().trips).toBeGreaterThanOrEqual(1);
  });

  it('a restart puts the valve in the safe state before anything else', async () => {
    const rig = await fillingRig();
    // A new service instance on the same card (the old one crashed with the valve open).
    const writes = jest.spyOn(rig.valveOutput, 'write');
    await rig.restart({ crash: true });
    expect(writes.mock.calls[0]).toEqual([0]);
    expect(await rig.valveAtCard()).toBe(0);
  });

  it('the fill timeout closes the valve, latches and inhibits auto fills until reset', async () => {
    // The supply dewar is empty: the valve opens but the level never rises.
    const rig = await fillingRig({ simulator: { initialLevelPct: 15, fillPctPerMin: 0 } });
    const timeout = await rig.runUntil((o) => !o.valve.open, 31 * 60);
    expect(timeout.decision.fillTimedOut).toBe(true);
    expect(await rig.valveAtCard()).toBe(0);
    expect(rig.alarmState('fill_timeout')).toBe('active-unacked');
    await rig.runFor(1);
    expect(rig.alarmState('fill_timeout')).toBe('latched');
    await rig.runFor(600);
    expect(rig.runtime.valveState).toMatchObject({ open: false, interlocks: ['fill_timeout'] });
    expect((await rig.loop.resetAlarm('fill_timeout', 'ann')).ok).toBe(true);
    await rig.runFor(1);
    expect(await rig.valveAtCard()).toBe(100);
  });
});

describe('hazard: level sensor wire break reads "empty" → endless fill', () => {
  it.each(['open-circuit', 'over-range'] as const)(
    'a %s level loop closes the valve at the next sample and raises level_sensor_fault',
    async (fault) => {
      const rig = await fillingRig();
      rig.sim.setInputFault(3, fault);
      const [next] = await rig.runFor(0.5);
      expect(next?.valve.open).toBe(false);
      expect(next?.channels.find((c) => c.id === 'ln2_level')).toMatchObject({
        quality: 'bad',
        value: null,
      });
      expect(await rig.valveAtCard()).toBe(0);
      expect(rig.alarmState('level_sensor_fault')).toBe('active-unacked');
      await rig.runFor(300);
      expect(await rig.valveAtCard()).toBe(0);
    },
  );

  it('I2C failure on the card: channels stale, valve safe, hardware_fault raised', async () => {
    const rig = await fillingRig();
    rig.sim.setCardFault('i2c-error');
    const [next] = await rig.runFor(0.5);
    expect(next?.channels.every((c) => c.quality === 'stale')).toBe(true);
    expect(next?.valve.open).toBe(false);
    expect(rig.alarmState('hardware_fault')).toBe('active-unacked');
    rig.sim.setCardFault('none');
    await rig.runFor(1);
    expect(rig.alarmState('hardware_fault')).toBe('cleared-unacked');
  });

  it('transient I2C errors are absorbed by retries: no alarm, no interruption', async () => {
    const rig = await fillingRig();
    rig.sim.setCardFault('i2c-error', { failEvery: 2 });
    await rig.runFor(30);
    expect(rig.alarmState('hardware_fault')).toBe('normal');
    expect(await rig.valveAtCard()).toBe(100);
    expect(rig.card.stats().retries).toBeGreaterThan(10);
  });
});

describe('hazard: O2 transmitter warm-up reads normal', () => {
  it('O2 reads warmup (no value) for warmupS although the loop current looks like 20.9 %', async () => {
    const rig = await createRig({ simulator: { initialLevelPct: 15 } });
    const [first] = await rig.runFor(0.5);
    const o2 = first?.channels.find((c) => c.id === 'o2_1');
    expect(o2).toMatchObject({ quality: 'warmup', value: null });
    expect(o2?.mA).toBeCloseTo(17.4, 2);
    expect(first?.valve).toMatchObject({
      open: false,
      interlocks: expect.arrayContaining(['o2_unavailable']),
    });
    const opened = await rig.runUntil((o) => o.valve.open, O2_WARMUP_S + 5);
    expect(opened.channels.find((c) => c.id === 'o2_1')?.quality).toBe('good');
  });
});

describe('hazard: O2 drops during a fill', () => {
  it('the O2 interlock closes the valve within one sample period and latches the critical alarm', async () => {
    const rig = await fillingRig();
    rig.sim.getPlant().setScenario('o2-drop', { dropToPct: 17 });
    const [next] = await rig.runFor(0.5);
    expect(next?.valve).toMatchObject({
      open: false,
      interlocks: expect.arrayContaining(['o2_low_low']),
    });
    expect(await rig.valveAtCard()).toBe(0);
    expect(rig.alarmState('o2_low_low')).toBe('active-unacked');
    // Manual opening is refused while it lasts.
    await rig.loop.setMode('manual');
    expect(await rig.loop.openValve(60)).toMatchObject({ ok: false, code: 'refused' });
    // Air comes back: the alarm stays latched until an operator resets it.
    rig.sim.getPlant().setScenario('normal');
    await rig.runFor(2);
    expect(rig.alarmState('o2_low_low')).toBe('latched');
    expect((await rig.loop.resetAlarm('o2_low_low', 'ann')).ok).toBe(true);
    expect(rig.alarmState('o2_low_low')).toBe('normal');
  });

  it('a slow leak raises o2_low first (after its on-delay), then trips the interlock', async () => {
    const rig = await fillingRig({ simulator: { initialLevelPct: 5, fillPctPerMin: 1 } });
    rig.sim.getPlant().setScenario('o2-leak', { leakPctPerMin: 1 });
    const low = await rig.runUntil(() => rig.alarmState('o2_low') === 'active-unacked', 300);
    expect(low.valve.open).toBe(true);
    const tripped = await rig.runUntil((o) => !o.valve.open, 300);
    expect(tripped.valve.interlocks).toContain('o2_low_low');
  });
});

describe('hazard: operator opens the valve, then loses the link', () => {
  it('a manual open ends by itself after durationS with no further command', async () => {
    const rig = await createRig({ simulator: { initialLevelPct: 50 } });
    await rig.runFor(O2_WARMUP_S + 1);
    await rig.loop.setMode('manual');
    expect((await rig.loop.openValve(120)).ok).toBe(true);
    expect(await rig.valveAtCard()).toBe(100);
    await rig.runFor(119);
    expect(await rig.valveAtCard()).toBe(100);
    await rig.runFor(1.5);
    expect(await rig.valveAtCard()).toBe(0);
    expect(rig.runtime.valveState.reason).toContain('time elapsed');
  });
});

describe('normal operation', () => {
  it('runs several complete auto fill cycles between the start and stop levels', async () => {
    const rig = await createRig({
      samplePeriodMs: 1000,
      simulator: { initialLevelPct: 30, drainPctPerMin: 3, fillPctPerMin: 10 },
    });
    const outcomes = await rig.runFor(4 * 3600);
    const opens = outcomes.filter((o, i) => o?.valve.open && !outcomes[i - 1]?.valve.open);
    expect(opens.length).toBeGreaterThanOrEqual(3);
    const levels = outcomes.map((o) => o?.channels.find((c) => c.id === 'ln2_level')?.value ?? 50);
    const after = levels.slice(600);
    expect(Math.min(...after)).toBeGreaterThan(15);
    expect(Math.max(...after)).toBeLessThan(85);
    expect(rig.runtime.alarms.listNotNormal()).toEqual([]);
    expect(rig.sim.watchdogState().trips).toBe(0);
  });
});
