/**
 * A declared O2 sensor test (bump test, calibration) against the real loop, driver and
 * simulated card: test gas on the sensor under test must not trip the plant, fills stay
 * inhibited throughout, the other sensor guards the room as always, and every way out of the
 * test (ended, expired, the other sensor failing) puts the sensor back in service — where its
 * reading trips the plant if it is still low (the safe direction).
 */
import { createRig, Rig } from '../support/closed-loop-rig';

const O2_WARMUP_S = 60;

async function fillingRig(): Promise<Rig> {
  const rig = await createRig({ simulator: { initialLevelPct: 15 } });
  await rig.runUntil((o) => o.valve.open, O2_WARMUP_S + 5);
  return rig;
}

/** Test gas (15 %vol O2) on sensor 1 only. */
function testGasOnSensor1(rig: Rig): void {
  rig.sim.getPlant().setScenario('o2-drop', { dropToPct: 15, sensor: 1 });
}

describe('hazard: a bump test with test gas trips the plant (declared O2 sensor test)', () => {
  it('test gas on a sensor under test: no alarm, no trip, the valve closed, no fill', async () => {
    const rig = await fillingRig();
    const started = await rig.loop.startSensorTest('o2_1', 15, 'tech');
    expect(started.ok).toBe(true);
    // Closed at the request, before any test gas.
    expect(await rig.valveAtCard()).toBe(0);
    expect(rig.runtime.valveState.interlocks).toContain('o2_under_test');
    testGasOnSensor1(rig);
    await rig.runFor(120);
    for (const id of ['o2_low', 'o2_low_low', 'o2_sensor_fault']) {
      expect(rig.alarmState(id)).toBe('normal');
    }
    expect(rig.runtime.persistentState().latched).toEqual([]);
    expect(await rig.valveAtCard()).toBe(0);
    // No manual fill either.
    await rig.loop.setMode('manual');
    expect(await rig.loop.openValve(60, 'tech')).toMatchObject({ ok: false, code: 'refused' });
    await rig.loop.setMode('auto');
    // The test gas shows in the test's lowest reading.
    expect(rig.runtime.sensorTests.list()[0].lowestPct).toBeCloseTo(15, 0);
    // Gas off, test ended: the sensor is back, fills resume, nothing latched.
    rig.sim.getPlant().setScenario('normal');
    await rig.runFor(2);
    const ended = await rig.loop.endSensorTest('o2_1');
    expect(ended).toMatchObject({ ok: true, test: { sensorId: 'o2_1', by: 'tech' } });
    await rig.runFor(2);
    expect(await rig.valveAtCard()).toBe(100);
    expect(rig.alarmState('o2_low_low')).toBe('normal');
  });

  it('the other sensor keeps guarding: its O2 drop trips as always during a test', async () => {
    const rig = await fillingRig();
    expect((await rig.loop.startSensorTest('o2_1', 15, 'tech')).ok).toBe(true);
    rig.sim.getPlant().setScenario('o2-drop', { dropToPct: 17, sensor: 2 });
    await rig.runFor(1);
    expect(rig.alarmState('o2_low_low')).toBe('active-unacked');
    expect(rig.runtime.persistentState().latched).toEqual(['o2_low_low']);
  });

  it('a test ended with the test gas still on: the reading counts again and trips', async () => {
    const rig = await fillingRig();
    await rig.loop.startSensorTest('o2_1', 15, 'tech');
    testGasOnSensor1(rig);
    await rig.runFor(30);
    expect(rig.alarmState('o2_low_low')).toBe('normal');
    await rig.loop.endSensorTest('o2_1');
    await rig.runFor(1);
    expect(rig.alarmState('o2_low_low')).toBe('active-unacked');
    expect(await rig.valveAtCard()).toBe(0);
  });

  it('a forgotten test ends by itself; so does one whose guard stops reading', async () => {
    const rig = await fillingRig();
    await rig.loop.startSensorTest('o2_1', 2, 'tech');
    testGasOnSensor1(rig);
    const expired = await rig.runUntil((o) => o.sensorTestsEnded.length > 0, 3 * 60);
    expect(expired.sensorTestsEnded[0]).toMatchObject({
      reason: 'expired',
      test: { sensorId: 'o2_1' },
    });
    await rig.runFor(1);
    expect(rig.alarmState('o2_low_low')).toBe('active-unacked');

    const guarded = await fillingRig();
    await guarded.loop.startSensorTest('o2_1', 15, 'tech');
    guarded.sim.setInputFault(2, 'open-circuit'); // o2_2 stops reading
    const unguarded = await guarded.runUntil((o) => o.sensorTestsEnded.length > 0, 5);
    expect(unguarded.sensorTestsEnded[0].reason).toBe('room_unguarded');
    expect(guarded.runtime.sensorTests.any).toBe(false);
  });

  it('refuses a test that would leave the room unguarded, a second test, a non-O2 channel', async () => {
    const rig = await fillingRig();
    rig.sim.setInputFault(2, 'open-circuit');
    await rig.runFor(1);
    expect(await rig.loop.startSensorTest('o2_1', 15, 'tech')).toMatchObject({
      ok: false,
      code: 'refused',
      message: expect.stringMatching(/unguarded/),
    });
    rig.sim.setInputFault(2, 'none');
    await rig.runFor(O2_WARMUP_S + 5);
    expect((await rig.loop.startSensorTest('o2_1', 15, 'tech')).ok).toBe(true);
    expect(await rig.loop.startSensorTest('o2_2', 15, 'tech')).toMatchObject({ code: 'refused' });
    expect(await rig.loop.startSensorTest('ln2_level', 15, 'tech')).toMatchObject({
      code: 'invalid_args',
    });
    expect(await rig.loop.endSensorTest('o2_2')).toMatchObject({ ok: false, code: 'refused' });
  });

  it('a restart during a test puts the sensor back in service (not persisted: the safe side)', async () => {
    const rig = await fillingRig();
    await rig.loop.startSensorTest('o2_1', 15, 'tech');
    testGasOnSensor1(rig);
    await rig.runFor(5);
    await rig.restart({ crash: true });
    await rig.runFor(O2_WARMUP_S + 2);
    expect(rig.runtime.sensorTests.any).toBe(false);
    expect(rig.alarmState('o2_low_low')).not.toBe('normal');
  });
});
