import fc from 'fast-check';
import { boiloffCondition, SupplyWarning } from './early-warnings';
import { runPlant } from './testing/plant-run';
import type { FillEntry, TimelineEntry } from './timeline';

const BOILOFF = { factor: 1.5, deadband: 0.2, recentH: 6, baselineH: 72, minBaselineH: 24 };
const SUPPLY = { factor: 1.5, deadband: 0.2, usualFills: 10, minUsualFills: 3 };

describe('boiloff_high (vacuum loss): recent consumption against its own baseline', () => {
  it('raised when the drain grows past factor × its baseline, not for noise around it (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 4, noNaN: true }),
        fc.constantFrom(1, 1.1, 2, 3),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (drain, growth, noisePct, seed) => {
          // 60 h at the usual rate, then 12 h at `growth` times it.
          const { entries } = runPlant({
            drainPctPerH: (h) => (h < 60 ? drain : drain * growth),
            fillPctPerMin: () => 3,
            noisePct,
            hours: 72,
            seed,
          });
          const { active, baseline } = boiloffCondition(entries, BOILOFF, false);
          expect(baseline).not.toBeNull();
          expect(active).toBe(growth >= 2);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('stays silent until the baseline rests on minBaselineH of data', () => {
    const { entries } = runPlant({
      drainPctPerH: (h) => (h < 10 ? 1 : 3),
      fillPctPerMin: () => 3,
      noisePct: 0.1,
      hours: 16,
      seed: 3,
    });
    expect(boiloffCondition(entries, BOILOFF, false)).toMatchObject({
      active: false,
      baseline: null,
    });
  });

  it('hysteresis: once raised, it clears only below factor − deadband', () => {
    const run = (growth: number) =>
      runPlant({
        drainPctPerH: (h) => (h < 60 ? 1 : growth),
        fillPctPerMin: () => 3,
        noisePct: 0,
        hours: 72,
        seed: 1,
      }).entries;
    const between = run(1.4); // under the factor, above factor − deadband
    expect(boiloffCondition(between, BOILOFF, false).active).toBe(false);
    expect(boiloffCondition(between, BOILOFF, true).active).toBe(true);
    expect(boiloffCondition(run(1.2), BOILOFF, true).active).toBe(false);
  });
});

describe('supply_slow: fills slower than usual', () => {
  const fill = (speedPctPerMin: number, over: Partial<FillEntry> = {}): FillEntry => ({
    kind: 'fill',
    end: '',
    spanS: 3600,
    durationS: (60 / speedPctPerMin) * 60,
    levelFromPct: 20,
    levelToPct: 80,
    complete: true,
    slow: false,
    ...over,
  });
  const warning = new SupplyWarning(SUPPLY);

  it('judges a finished fill against the median of the normal fills before it', () => {
    const usual = [fill(3), fill(3.2), fill(2.8)];
    expect(warning.usual(usual)).toBe(3);
    expect(warning.isSlowFill(fill(2.5), usual, false)).toBe(false);
    expect(warning.isSlowFill(fill(1.9), usual, false)).toBe(true);
    // Hysteresis: 1.4× slower keeps an active warning, 1.2× clears it.
    expect(warning.isSlowFill(fill(3 / 1.4), usual, true)).toBe(true);
    expect(warning.isSlowFill(fill(3 / 1.2), usual, true)).toBe(false);
    // Not armed before minUsualFills normal fills.
    expect(warning.isSlowFill(fill(0.5), usual.slice(0, 2), false)).toBe(false);
  });

  it('the last judged fill decides; fills cut short by someone are skipped; slow ones never become usual', () => {
    const history: TimelineEntry[] = [fill(3), fill(3), fill(3), fill(1, { slow: true })];
    expect(warning.condition(history, null, 80)).toBe(true);
    const cut = fill(0.2, { complete: false, levelToPct: 25 });
    expect(warning.condition([...history, cut], null, 80)).toBe(true);
    expect(warning.condition([...history, fill(3)], null, 80)).toBe(false);
    // Five slow fills in a row do not drag "usual" down with them.
    const slowRun = [...history, ...Array.from({ length: 5 }, () => fill(1, { slow: true }))];
    expect(warning.usual(slowRun)).toBe(3);
  });

  it('raises during a fill already factor times longer than the usual speed needs', () => {
    const usual = [fill(3), fill(3), fill(3)];
    // 20 → 80 % at 3 %/min: 20 min expected; 1.5× is 30 min.
    expect(warning.condition(usual, { elapsedS: 29 * 60, levelFromPct: 20 }, 80)).toBe(false);
    expect(warning.condition(usual, { elapsedS: 30 * 60, levelFromPct: 20 }, 80)).toBe(true);
    expect(warning.condition(usual, { elapsedS: 3600, levelFromPct: null }, 80)).toBe(false);
  });

  it('a real supply running low: normal fills, then fills at a third of the speed (plant run)', () => {
    const { entries } = runPlant({
      drainPctPerH: () => 6,
      fillPctPerMin: (h) => (h < 60 ? 3 : 1),
      noisePct: 0.2,
      hours: 90,
      seed: 11,
    });
    // Judge each fill as the service does: against the entries before it.
    const judged: TimelineEntry[] = [];
    let active = false;
    for (const e of entries) {
      const entry = e.kind === 'fill' ? { ...e, slow: warning.isSlowFill(e, judged, active) } : e;
      judged.push(entry);
      active = warning.condition(judged, null, 80);
    }
    const fills = judged.filter((e): e is FillEntry => e.kind === 'fill');
    expect(fills.some((f) => f.slow)).toBe(true);
    expect(fills.filter((f) => !f.slow).length).toBeGreaterThanOrEqual(3);
    expect(active).toBe(true);
  });
});
