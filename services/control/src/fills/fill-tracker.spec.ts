import fc from 'fast-check';
import { FILL_END_CAUSES, type FillEvent } from '@cryopilot/protocol';
import { FillStep, FillTracker } from './fill-tracker';

const T0 = Date.parse('2026-11-29T10:00:00.000Z');

function step(i: number, over: Partial<FillStep> = {}): FillStep {
  return {
    ts: new Date(T0 + i * 500).toISOString(),
    mono: i * 500,
    open: false,
    mode: 'auto',
    closedBy: null,
    openedBy: null,
    levelPct: 50,
    ...over,
  };
}

describe('FillTracker', () => {
  it('an auto fill: start, level from → to, duration on the control clock, what ended it', () => {
    const t = new FillTracker();
    expect(t.step(step(0, { levelPct: 19.987 }))).toEqual([]);
    const [started] = t.step(step(1, { open: true, levelPct: 19.9 }));
    expect(started).toMatchObject({ event: 'started', fill: { end: null, levelFromPct: 19.9 } });
    expect(t.current).toEqual(started.fill);
    t.step(step(2, { open: true, levelPct: 50 }));
    const [ended] = t.step(step(61, { open: false, closedBy: 'stop_level', levelPct: 80.04 }));
    expect(ended).toEqual({
      event: 'ended',
      ts: step(61).ts,
      fill: {
        start: step(1).ts,
        end: step(61).ts,
        durationS: 30,
        levelFromPct: 19.9,
        levelToPct: 80.04,
        mode: 'auto',
        endedBy: 'stop_level',
      },
    });
    expect(t.current).toBeNull();
  });

  it('a manual fill names who started it; a fill ended by a sensor fault keeps the last good level', () => {
    const t = new FillTracker();
    t.step(step(0, { levelPct: 30 }));
    const [started] = t.step(step(1, { open: true, mode: 'manual', openedBy: 'alice' }));
    expect(started.fill.user).toBe('alice');
    t.step(step(2, { open: true, mode: 'manual', openedBy: 'alice', levelPct: 42 }));
    const [ended] = t.step(step(3, { mode: 'manual', closedBy: 'interlock', levelPct: null }));
    expect(ended.fill).toMatchObject({ user: 'alice', levelToPct: 42, endedBy: 'interlock' });
  });

  it('no level ever good: the figures are null, not invented', () => {
    const t = new FillTracker();
    t.step(step(0, { open: true, levelPct: null }));
    const [ended] = t.step(step(1, { closedBy: 'operator', levelPct: null }));
    expect(ended.fill).toMatchObject({ levelFromPct: null, levelToPct: null });
  });

  it('over random valve histories: started/ended alternate, one per transition, durations add up', () => {
    const stepArb = fc.record({
      open: fc.boolean(),
      dtMs: fc.integer({ min: 0, max: 60_000 }),
      level: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }),
      cause: fc.constantFrom(...FILL_END_CAUSES),
      manual: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 200 }), (steps) => {
        const t = new FillTracker();
        const events: FillEvent[] = [];
        let mono = 0;
        let wasOpen = false;
        let transitions = 0;
        let openMs = 0;
        for (const s of steps) {
          if (wasOpen) openMs += s.dtMs;
          mono += s.dtMs;
          if (s.open !== wasOpen) transitions += 1;
          wasOpen = s.open;
          events.push(
            ...t.step({
              ts: new Date(T0 + mono).toISOString(),
              mono,
              open: s.open,
              mode: s.manual ? 'manual' : 'auto',
              closedBy: s.open ? null : s.cause,
              openedBy: s.manual ? 'u' : null,
              levelPct: s.level,
            }),
          );
        }
        expect(events).toHaveLength(transitions);
        events.forEach((e, i) => {
          expect(e.event).toBe(i % 2 === 0 ? 'started' : 'ended');
          if (e.event === 'ended') {
            expect(e.fill.start).toBe(events[i - 1].fill.start);
            expect(e.fill.endedBy).not.toBeNull();
            expect(e.fill.end! >= e.fill.start).toBe(true);
          }
        });
        const closedS = events
          .filter((e) => e.event === 'ended')
          .reduce((sum, e) => sum + (e.fill.durationS ?? 0), 0);
        const openS = wasOpen ? (mono - (t.current ? monoOf(t.current.start) : mono)) / 1000 : 0;
        // Each duration is rounded to 0.1 s.
        expect(Math.abs(closedS + openS - openMs / 1000)).toBeLessThanOrEqual(
          events.length * 0.05 + 1e-6,
        );
        expect(t.current === null).toBe(!wasOpen);
      }),
    );
  });
});

function monoOf(iso: string): number {
  return Date.parse(iso) - T0;
}
