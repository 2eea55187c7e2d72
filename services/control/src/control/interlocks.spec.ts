import { DEFAULT_SETPOINTS, Quality } from '@cryopilot/protocol';
import type { ControlInputs } from './control.types';
import { activeInterlocks, blocksManual } from './interlocks';

const good = (value: number) => ({ value, quality: 'good' as Quality });

function interlocks(over: Partial<ControlInputs> = {}, startupDone = true) {
  const inputs: ControlInputs = {
    mono: 0,
    level: good(50),
    o2: [good(20.9), good(20.9)],
    hardwareOk: true,
    tripsLatched: [],
    ...over,
  };
  return activeInterlocks(inputs, DEFAULT_SETPOINTS, startupDone);
}

describe('activeInterlocks', () => {
  it('none in normal operation after start-up', () => {
    expect(interlocks()).toEqual([]);
  });

  it('lists every interlock that holds, main reason first', () => {
    expect(
      interlocks(
        {
          hardwareOk: false,
          o2: [{ value: null, quality: 'stale' }],
          level: { value: null, quality: 'stale' },
          tripsLatched: ['o2_low_low', 'fill_timeout'],
        },
        false,
      ),
    ).toEqual([
      'hardware_fault',
      'startup',
      'o2_low_low',
      'o2_unavailable',
      'level_sensor_fault',
      'fill_timeout',
    ]);
  });

  it('a latched O2 trip keeps its interlock after O2 has recovered (until reset)', () => {
    expect(interlocks({ tripsLatched: ['o2_low_low'] })).toEqual(['o2_low_low']);
  });

  it('a latched fill timeout keeps its interlock (auto only: see blocksManual)', () => {
    expect(interlocks({ tripsLatched: ['fill_timeout'] })).toEqual(['fill_timeout']);
  });

  it('a reading with a usable quality but no value is no measurement', () => {
    expect(interlocks({ o2: [{ value: null, quality: 'good' }] })).toEqual(['o2_unavailable']);
    expect(interlocks({ level: { value: null, quality: 'good' } })).toEqual(['level_sensor_fault']);
  });

  it('a value with an unusable quality is no measurement either', () => {
    expect(
      interlocks({
        o2: [
          { value: 17, quality: 'stale' },
          { value: 20.9, quality: 'warmup' },
        ],
      }),
    ).toEqual(['o2_unavailable']);
  });

  it('an uncertain O2 reading is usable (clamped value), an uncertain level is not', () => {
    expect(interlocks({ o2: [{ value: 20.9, quality: 'uncertain' }] })).toEqual([]);
    expect(interlocks({ level: { value: 50, quality: 'uncertain' } })).toEqual([
      'level_sensor_fault',
    ]);
  });

  it('level high-high at the limit', () => {
    expect(interlocks({ level: good(94.9) })).toEqual([]);
    expect(interlocks({ level: good(95) })).toEqual(['level_high_high']);
  });
});

describe('blocksManual', () => {
  it('every interlock blocks a manual open except fill_timeout', () => {
    expect(blocksManual('fill_timeout')).toBe(false);
    for (const i of [
      'hardware_fault',
      'startup',
      'o2_low_low',
      'o2_unavailable',
      'level_sensor_fault',
      'level_high_high',
    ] as const) {
      expect(blocksManual(i)).toBe(true);
    }
  });
});
