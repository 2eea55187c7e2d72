import { DEFAULT_SETPOINTS, Quality } from '@cryopilot/protocol';
import { AlarmInputs, evaluateAlarmConditions } from './alarm-conditions';

const good = (value: number) => ({ value, quality: 'good' as Quality });
const q = (quality: Quality) => ({ value: null, quality });
const limits = { supplyMinV: 10.8, supplyMaxV: 26.4, levelDeadbandPct: 2 };

function conditions(over: Partial<AlarmInputs>, previous: Record<string, boolean> = {}) {
  const inputs: AlarmInputs = {
    level: good(50),
    o2: [good(20.9), good(20.9)],
    hardwareOk: true,
    supplyV: 24,
    fillTimedOut: false,
    ...over,
  };
  return evaluateAlarmConditions(inputs, DEFAULT_SETPOINTS, limits, previous);
}

describe('evaluateAlarmConditions', () => {
  it('is all clear in normal operation', () => {
    expect(Object.values(conditions({})).every((c) => c === false)).toBe(true);
  });

  it.each([
    ['o2_low', { o2: [good(19.4), good(20.9)] }],
    ['o2_low_low', { o2: [good(20.9), good(17.9)] }],
    ['o2_high', { o2: [good(23.6), good(20.9)] }],
    ['o2_sensor_fault', { o2: [q('bad'), good(20.9)] }],
    ['o2_sensor_fault', { o2: [q('stale'), good(20.9)] }],
    ['o2_sensor_fault', { o2: [{ value: 0, quality: 'uncertain' as Quality }, good(20.9)] }],
    ['level_low', { level: good(9.9) }],
    ['level_high_high', { level: good(95) }],
    ['level_sensor_fault', { level: q('bad') }],
    ['level_sensor_fault', { level: q('stale') }],
    ['fill_timeout', { fillTimedOut: true }],
    ['hardware_fault', { hardwareOk: false }],
    ['supply_voltage', { supplyV: 10 }],
    ['supply_voltage', { supplyV: 27 }],
  ] as const)('%s raises for %j', (id, over) => {
    expect(conditions(over)[id]).toBe(true);
  });

  it('does not treat warm-up as a sensor fault', () => {
    const c = conditions({ o2: [q('warmup'), q('warmup')] });
    expect(c.o2_sensor_fault).toBe(false);
    expect(c.o2_low_low).toBe(false);
  });

  it('suppresses sensor faults while the card itself is down', () => {
    const c = conditions({ hardwareOk: false, level: q('stale'), o2: [q('stale'), q('stale')] });
    expect(c).toMatchObject({
      hardware_fault: true,
      o2_sensor_fault: false,
      level_sensor_fault: false,
    });
  });

  it('applies the O2 deadband before clearing', () => {
    const on = { o2_low: true };
    expect(conditions({ o2: [good(19.6), good(20.9)] }, on).o2_low).toBe(true);
    expect(conditions({ o2: [good(19.75), good(20.9)] }, on).o2_low).toBe(false);
    expect(conditions({ o2: [good(19.6), good(20.9)] }, {}).o2_low).toBe(false);
  });

  it('applies the level deadband before clearing level_low', () => {
    expect(conditions({ level: good(11) }, { level_low: true }).level_low).toBe(true);
    expect(conditions({ level: good(12) }, { level_low: true }).level_low).toBe(false);
  });

  it('ignores unusable O2 values for thresholds', () => {
    expect(conditions({ o2: [q('bad'), good(20.9)] }).o2_low_low).toBe(false);
  });

  it('does not raise supply_voltage before the first measurement', () => {
    expect(conditions({ supplyV: null }).supply_voltage).toBe(false);
  });
});
