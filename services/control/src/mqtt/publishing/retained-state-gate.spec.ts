import type { Alarm, ChannelReading, ValveState } from '@cryopilot/protocol';
import { RetainedStateGate } from './retained-state-gate';

const reading = (value: number | null, quality: ChannelReading['quality'] = 'good', ts = 't0') =>
  ({ id: 'o2_1', label: 'O2', unit: '%vol', mA: 17, value, quality, ts }) as ChannelReading;

const valve = (patch: Partial<ValveState> = {}): ValveState => ({
  open: false,
  output: 0,
  mode: 'auto',
  reason: 'idle: level 50.0 % ≥ 20 %',
  reasonCode: 'idle',
  reasonParams: { levelPct: 50, fillStartPct: 20 },
  interlocks: [],
  since: '2026-01-01T00:00:00.000Z',
  manualUntil: null,
  autoReturnAt: null,
  manualOpen: { allowed: false, blockedBy: ['auto_mode' as const] },
  ...patch,
});

describe('RetainedStateGate', () => {
  const SPAN = 25;
  const policy = { channelDeadbandFraction: 0.01, refreshMs: 5000 };

  it('publishes a channel at once on a quality change or a move beyond the deadband', () => {
    const sut = new RetainedStateGate(policy);
    expect(sut.channelDue(reading(20.9), SPAN, 0)).toBe(true);
    sut.markChannel(reading(20.9), 0);
    expect(sut.channelDue(reading(20.9, 'good', 't1'), SPAN, 100)).toBe(false); // only ts moved
    expect(sut.channelDue(reading(21.0, 'good', 't1'), SPAN, 100)).toBe(false); // noise
    expect(sut.channelDue(reading(21.2, 'good', 't1'), SPAN, 100)).toBe(true); // ≥ 0.25
    expect(sut.channelDue(reading(20.9, 'uncertain', 't1'), SPAN, 100)).toBe(true);
    expect(sut.channelDue(reading(null, 'bad', 't1'), SPAN, 100)).toBe(true);
  });

  it('refreshes small changes at most every refreshMs, never an identical state', () => {
    const sut = new RetainedStateGate(policy);
    sut.markChannel(reading(20.9), 0);
    expect(sut.channelDue(reading(20.95, 'good', 't1'), SPAN, 4999)).toBe(false);
    expect(sut.channelDue(reading(20.95, 'good', 't1'), SPAN, 5000)).toBe(true);
    expect(sut.channelDue(reading(20.9), SPAN, 60_000)).toBe(false);
  });

  it('treats the valve reason as detail, and open, mode and interlocks as changes', () => {
    const sut = new RetainedStateGate(policy);
    sut.markValve(valve(), 0);
    expect(
      sut.valveDue(
        valve({
          reason: 'idle: level 49.9 % ≥ 20 %',
          reasonParams: { levelPct: 49.9, fillStartPct: 20 },
        }),
        1000,
      ),
    ).toBe(false);
    expect(
      sut.valveDue(
        valve({
          reason: 'idle: level 49.9 % ≥ 20 %',
          reasonParams: { levelPct: 49.9, fillStartPct: 20 },
        }),
        5000,
      ),
    ).toBe(true);
    expect(sut.valveDue(valve({ open: true, output: 100 }), 1)).toBe(true);
    expect(sut.valveDue(valve({ mode: 'manual' }), 1)).toBe(true);
    expect(sut.valveDue(valve({ interlocks: ['o2_low_low'] }), 1)).toBe(true);
  });

  it('publishes the alarm list on any change', () => {
    const sut = new RetainedStateGate(policy);
    expect(sut.alarmsDue([])).toBe(true);
    sut.markAlarms([], 0);
    expect(sut.alarmsDue([])).toBe(false);
    expect(sut.alarmsDue([{ id: 'o2_low' } as Alarm])).toBe(true);
  });

  it('makes everything due again after forgetAll (a reconnect)', () => {
    const sut = new RetainedStateGate(policy);
    sut.markChannel(reading(20.9), 0);
    sut.markValve(valve(), 0);
    sut.markAlarms([], 0);
    sut.forgetAll();
    expect(sut.channelDue(reading(20.9), SPAN, 1)).toBe(true);
    expect(sut.valveDue(valve(), 1)).toBe(true);
    expect(sut.alarmsDue([])).toBe(true);
  });
});
