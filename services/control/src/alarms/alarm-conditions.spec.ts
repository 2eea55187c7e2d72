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

describe('evaluateAlarmConditions limits and deadbands', () => {
  it('o2_high is above the limit, not at it', () => {
    expect(conditions({ o2: [good(23.5), good(20.9)] }).o2_high).toBe(false);
    expect(conditions({ o2: [good(23.51), good(20.9)] }).o2_high).toBe(true);
  });

  it.each([
    ['o2_low_low', 18.1, 18.3],
    ['o2_low', 19.6, 19.8],
  ] as const)('%s clears only above its limit plus the O2 deadband', (id, inside, outside) => {
    expect(conditions({ o2: [good(inside), good(20.9)] }, { [id]: true })[id]).toBe(true);
    expect(conditions({ o2: [good(inside), good(20.9)] }, {})[id]).toBe(false);
    expect(conditions({ o2: [good(outside), good(20.9)] }, { [id]: true })[id]).toBe(false);
  });

  it('o2_high clears only below its limit minus the O2 deadband', () => {
    expect(conditions({ o2: [good(23.4), good(20.9)] }, { o2_high: true }).o2_high).toBe(true);
    expect(conditions({ o2: [good(23.2), good(20.9)] }, { o2_high: true }).o2_high).toBe(false);
  });

  it('level_high_high raises at the limit and clears below it minus the level deadband', () => {
    expect(conditions({ level: good(95) }).level_high_high).toBe(true);
    expect(conditions({ level: good(94) }).level_high_high).toBe(false);
    expect(conditions({ level: good(94) }, { level_high_high: true }).level_high_high).toBe(true);
    expect(conditions({ level: good(92.9) }, { level_high_high: true }).level_high_high).toBe(
      false,
    );
  });

  it('a level that is not good raises no level alarm but the sensor fault', () => {
    for (const level of [q('bad'), { value: 5, quality: 'uncertain' as Quality }]) {
      const c = conditions({ level }, { level_high_high: true, level_low: true });
      expect(c).toMatchObject({ level_low: false, level_high_high: false });
      expect(c.level_sensor_fault).toBe(true);
    }
  });

  it('a reading without a value, or with an unusable quality, never counts as O2 or level', () => {
    const c = conditions({
      o2: [
        { value: null, quality: 'good' },
        { value: 10, quality: 'stale' },
      ],
      level: { value: null, quality: 'good' },
    });
    expect(c).toMatchObject({
      o2_low: false,
      o2_low_low: false,
      o2_high: false,
      level_low: false,
      level_high_high: false,
    });
  });

  it('supply_voltage is outside the limits, not at them', () => {
    expect(conditions({ supplyV: 10.8 }).supply_voltage).toBe(false);
    expect(conditions({ supplyV: 26.4 }).supply_voltage).toBe(false);
  });
});
