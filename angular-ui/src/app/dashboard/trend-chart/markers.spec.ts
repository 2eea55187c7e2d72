import type { TrendEvent } from '@cryopilot/protocol';
import { placeMarkers } from './markers';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;

describe('placeMarkers', () => {
  it('places events in time across the width and leaves out those outside the window', () => {
    const events: TrendEvent[] = [
      { t: T0 + 10 * MIN, kind: 'fill-end' },
      { t: T0 - MIN, kind: 'alarm', alarmId: 'o2_low', severity: 'warning' },
      { t: T0 + 5 * MIN, kind: 'fill-start' },
      { t: T0 + 16 * MIN, kind: 'fill-start' },
    ];
    expect(placeMarkers(events, T0, T0 + 15 * MIN, 300)).toEqual([
      { x: 100, kind: 'fill-start', count: 1, t: T0 + 5 * MIN },
      { x: 200, kind: 'fill-end', count: 1, t: T0 + 10 * MIN },
    ]);
  });

  it('merges close events of one kind, keeping the most urgent priority', () => {
    const events: TrendEvent[] = [
      { t: T0 + 1000, kind: 'alarm', alarmId: 'o2_low', severity: 'warning' },
      { t: T0 + 2000, kind: 'alarm', alarmId: 'o2_low_low', severity: 'critical' },
      { t: T0 + 2500, kind: 'fill-end' },
      { t: T0 + 3000, kind: 'alarm', alarmId: 'o2_low', severity: 'info' },
      { t: T0 + 60_000, kind: 'alarm', alarmId: 'o2_low', severity: 'info' },
    ];
    // 15 min over 900 px: 1 px per second.
    const placed = placeMarkers(events, T0, T0 + 15 * MIN, 900);
    expect(placed.map((m) => [m.kind, m.count, m.severity])).toEqual([
      ['alarm', 3, 'critical'],
      ['fill-end', 1, undefined],
      ['alarm', 1, 'info'],
    ]);
    expect(placed[0].x).toBeCloseTo(1, 5);
  });

  it('places nothing in an empty window or width', () => {
    const events: TrendEvent[] = [{ t: T0, kind: 'fill-start' }];
    expect(placeMarkers(events, T0, T0, 300)).toEqual([]);
    expect(placeMarkers(events, T0, T0 + MIN, 0)).toEqual([]);
  });
});
