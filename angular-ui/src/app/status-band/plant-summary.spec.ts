import { DEFAULT_SETPOINTS, type Alarm, type ValveState } from '@cryopilot/protocol';
import type { ChannelView } from '../core/realtime/realtime-state';
import { clock, plantSummary } from './plant-summary';

const T0 = Date.parse('2026-11-29T12:00:00Z');
const o2 = (id: string, value: number | null, quality = 'good'): ChannelView =>
  ({
    id,
    label: id,
    value,
    unit: '%vol',
    mA: 17,
    quality,
    ts: '2026-11-29T12:00:00Z',
  }) as ChannelView;
const level = (value: number): ChannelView =>
  ({
    id: 'ln2_level',
    label: 'LN2',
    value,
    unit: '%',
    mA: 12,
    quality: 'good',
    ts: '',
  }) as ChannelView;
const valve = (open: boolean, interlocks: ValveState['interlocks'] = []): ValveState =>
  ({
    open,
    output: open ? 100 : 0,
    mode: 'auto',
    reason: '',
    reasonCode: 'idle',
    reasonParams: {},
    interlocks,
    since: new Date(T0 - 190_000).toISOString(),
    manualUntil: null,
    autoReturnAt: null,
    manualOpen: { allowed: true, blockedBy: [] },
  }) as ValveState;
const alarm = (id: string, severity: Alarm['severity'], state: Alarm['state'], active = true) =>
  ({ id, severity, state, active }) as Alarm;
const summary = (over: Partial<Parameters<typeof plantSummary>[0]> = {}) =>
  plantSummary({
    channels: [o2('o2_1', 20.9), o2('o2_2', 20.8), level(42)],
    setpoints: DEFAULT_SETPOINTS,
    valve: valve(false),
    alarms: [],
    nowMs: T0,
    ...over,
  });

describe('plantSummary', () => {
  it('says the room is safe with the lowest usable O2 reading', () => {
    expect(summary().room).toEqual({ state: 'safe', o2Pct: 20.8, sensorsOk: 2, sensors: 2 });
  });

  it('says DO NOT ENTER below the low setpoint, on an O2 alarm, or with the trip latched', () => {
    const low = DEFAULT_SETPOINTS.o2LowPct - 0.1;
    expect(summary({ channels: [o2('o2_1', low), o2('o2_2', 20.9)] }).room.state).toBe('danger');
    expect(summary({ alarms: [alarm('o2_low', 'warning', 'active-acked')] }).room.state).toBe(
      'danger',
    );
    expect(summary({ valve: valve(false, ['o2_low_low']) }).room.state).toBe('danger');
  });

  it('never says safe without a usable O2 reading', () => {
    const room = summary({ channels: [o2('o2_1', null, 'bad'), o2('o2_2', 20.9, 'warmup')] }).room;
    expect(room).toEqual({ state: 'unknown', o2Pct: null, sensorsOk: 0, sensors: 2 });
    // One sensor left: still a reading, and the band says how many sensors back it.
    expect(summary({ channels: [o2('o2_1', null, 'bad'), o2('o2_2', 20.9)] }).room).toMatchObject({
      state: 'safe',
      sensorsOk: 1,
    });
  });

  it('describes a fill (level, stop level, time against the limit) and a closed valve', () => {
    expect(summary({ valve: valve(true) }).valve).toEqual({
      kind: 'filling',
      levelPct: 42,
      stopPct: DEFAULT_SETPOINTS.fillStopPct,
      elapsedS: 190,
      maxFillS: DEFAULT_SETPOINTS.maxFillS,
    });
    const manual = { ...valve(true), manualUntil: new Date(T0 + 110_000).toISOString() };
    expect(summary({ valve: manual }).valve).toMatchObject({ elapsedS: 190, maxFillS: 300 });
    expect(summary({ valve: valve(false, ['level_high_high']) }).valve).toEqual({
      kind: 'closed',
      interlocks: ['level_high_high'],
    });
    expect(summary({ valve: null }).valve).toEqual({ kind: 'unknown' });
  });

  it('counts standing alarms by priority, shelved ones apart', () => {
    const alarms = [
      alarm('o2_high', 'critical', 'active-unacked'),
      alarm('level_low', 'warning', 'cleared-unacked', false),
      alarm('disk_space_low', 'warning', 'shelved'),
      alarm('supply_voltage', 'info', 'normal', false),
    ];
    expect(summary({ alarms }).alarms).toEqual({ critical: 1, warning: 1, info: 0 });
  });

  it('formats elapsed times as m:ss or h:mm:ss', () => {
    expect([0, 59, 190, 1800, 3725].map(clock)).toEqual([
      '0:00',
      '0:59',
      '3:10',
      '30:00',
      '1:02:05',
    ]);
  });

  it('reminds of manual mode, and warns when the level is below fill start (issue 11)', () => {
    expect(summary().manual).toBeNull();
    const manual = { ...valve(false), mode: 'manual' as const };
    expect(summary({ valve: manual }).manual).toEqual({
      levelPct: 42,
      fillStartPct: DEFAULT_SETPOINTS.fillStartPct,
      belowFillStart: false,
    });
    const low = DEFAULT_SETPOINTS.fillStartPct - 1;
    expect(summary({ valve: manual, channels: [level(low)] }).manual).toMatchObject({
      levelPct: low,
      belowFillStart: true,
    });
    // A level that cannot be read is not "below": the sensor fault says that.
    const bad = { ...level(0), value: null, quality: 'bad' } as ChannelView;
    expect(summary({ valve: manual, channels: [bad] }).manual?.belowFillStart).toBe(false);
  });
});
