import fc from 'fast-check';
import {
  consumptionFigures,
  entriesWithin,
  fillsPerDay,
  median,
  rateOver,
} from './consumption-estimate';
import { runPlant } from './testing/plant-run';
import { LevelStretch } from './level-stretch';
import type { TimelineEntry } from './timeline';

describe('LevelStretch', () => {
  it('finds the slope of a straight line exactly, and none from a single sample', () => {
    const s = new LevelStretch(5000);
    expect(s.slope()).toBeNull();
    s.add(5000, 50);
    expect(s.slope()).toBeNull();
    for (let i = 1; i <= 100; i++) s.add(5000 + i * 1000, 50 - i * 0.01);
    expect(s.slope()).toBeCloseTo(-0.01, 10);
    expect(s.durationS).toBe(100);
    expect(s.samples).toBe(101);
  });
});

describe('consumption rate over noisy level data (property)', () => {
  it('recovers the drain rate within 10 % (+0.05 %/h) from 12 h of noisy readings with fills', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 12, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (drain, noisePct, seed) => {
          const { entries } = runPlant({
            drainPctPerH: () => drain,
            fillPctPerMin: () => 3,
            noisePct,
            hours: 12,
            seed,
          });
          const rate = rateOver(entriesWithin(entries, 6 * 3600), 0.5).ratePctPerH;
          expect(rate).not.toBeNull();
          expect(Math.abs((rate as number) - drain)).toBeLessThanOrEqual(drain * 0.1 + 0.05);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('counts the fills per day the plant made', () => {
    // 6 %/h from 80 % to 20 %: a fill every ~10 h plus the fill itself (20 min at 3 %/min).
    const { entries, fills } = runPlant({
      drainPctPerH: () => 6,
      fillPctPerMin: () => 3,
      noisePct: 0.2,
      hours: 72,
      seed: 7,
    });
    const f = fillsPerDay(entriesWithin(entries, 72 * 3600), 6);
    expect(f.counted).toBe(fills.length);
    expect(f.perDay).toBeCloseTo((fills.length * 24) / f.hours, 6);
    expect(f.perDay!).toBeGreaterThan(2);
    expect(f.perDay!).toBeLessThan(3);
  });
});

describe('entriesWithin', () => {
  const idle = (spanS: number): TimelineEntry => ({
    kind: 'idle',
    end: '',
    spanS,
    durationS: spanS,
    slopePctPerS: -0.001,
    samples: 10,
  });

  it('walks back on control time: the window and the part skipped before it', () => {
    const entries = [idle(3600), idle(3600), idle(3600), idle(3600)];
    expect(entriesWithin(entries, 7200)).toHaveLength(2);
    expect(entriesWithin(entries, 7200, 3600)).toEqual([entries[2], entries[1]]);
    expect(entriesWithin(entries, 1e9)).toHaveLength(4);
    expect(entriesWithin([], 3600)).toEqual([]);
  });
});

describe('consumptionFigures', () => {
  const base = {
    fills: { perDay: 2, hours: 48, counted: 4 },
    fillStartPct: 20,
    recentPctPerH: null,
    baselinePctPerH: null,
    usualFillPctPerMin: null,
    lastFillPctPerMin: null,
  };

  it('forecasts from the rate and the level; litres/day with a capacity', () => {
    const c = consumptionFigures({
      ...base,
      rate: { ratePctPerH: 2, hours: 6 },
      levelPct: 60,
      dewarCapacityL: 200,
    });
    expect(c).toMatchObject({
      ratePctPerH: 2,
      litresPerDay: 96,
      fillsPerDay: 2,
      timeToFillStartS: 20 * 3600,
      timeToEmptyS: 30 * 3600,
    });
    expect(c.basis.note).toBeUndefined();
  });

  it('says why a figure is missing instead of inventing one', () => {
    const none = consumptionFigures({
      ...base,
      rate: { ratePctPerH: null, hours: 0.1 },
      levelPct: 50,
    });
    expect(none).toMatchObject({ ratePctPerH: null, timeToFillStartS: null, timeToEmptyS: null });
    expect(none.basis.note).toContain('not enough level data');
    expect('litresPerDay' in none).toBe(false);
    const rising = consumptionFigures({
      ...base,
      rate: { ratePctPerH: -0.2, hours: 6 },
      levelPct: 50,
    });
    expect(rising.timeToEmptyS).toBeNull();
    expect(rising.basis.note).toContain('not falling');
    const below = consumptionFigures({ ...base, rate: { ratePctPerH: 1, hours: 6 }, levelPct: 15 });
    expect(below.timeToFillStartS).toBe(0);
  });

  it('median', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
