import type { Alarm, AlarmEvent, AlarmState, FillEvent, FillRecord } from '@cryopilot/protocol';
import { markersOf, toTrendEvent } from './trend-events';

const TS = '2026-01-01T00:00:10.000Z';
const alarmEvent = (state: AlarmState, previousState: AlarmState): AlarmEvent => ({
  alarm: { id: 'o2_low', severity: 'critical', state } as Alarm,
  previousState,
  ts: TS,
});
const fill: FillRecord = {
  start: '2026-01-01T00:00:00.000Z',
  end: '2026-01-01T00:05:00.000Z',
  durationS: 300,
  levelFromPct: 30,
  levelToPct: 80,
  mode: 'auto',
  endedBy: 'stop_level',
};

describe('markersOf', () => {
  it('marks a raise and a re-raise, not an acknowledgement, a clear or a shelving', () => {
    const markers = markersOf(
      [
        alarmEvent('active-unacked', 'normal'),
        alarmEvent('active-unacked', 'cleared-unacked'),
        alarmEvent('active-acked', 'active-unacked'),
        alarmEvent('cleared-unacked', 'active-unacked'),
        alarmEvent('shelved', 'active-unacked'),
      ],
      [],
    );
    expect(markers).toEqual([
      { t: Date.parse(TS), e: 'alarm', a: 'o2_low', s: 'critical' },
      { t: Date.parse(TS), e: 'alarm', a: 'o2_low', s: 'critical' },
    ]);
  });

  it('marks a fill at its start and at its end', () => {
    const started: FillEvent = { event: 'started', fill: { ...fill, end: null }, ts: fill.start };
    const ended: FillEvent = { event: 'ended', fill, ts: fill.end! };
    expect(markersOf([], [started, ended])).toEqual([
      { t: Date.parse(fill.start), e: 'fill-start' },
      { t: Date.parse(fill.end!), e: 'fill-end' },
    ]);
  });

  it('says a stored marker in the API words', () => {
    expect(toTrendEvent({ t: 1, e: 'alarm', a: 'o2_low', s: 'critical' })).toEqual({
      t: 1,
      kind: 'alarm',
      alarmId: 'o2_low',
      severity: 'critical',
    });
    expect(toTrendEvent({ t: 2, e: 'fill-end' })).toEqual({ t: 2, kind: 'fill-end' });
  });
});
