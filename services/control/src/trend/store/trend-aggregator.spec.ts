import type { TrendSample } from '../trend-buffer';
import { samplesOfPoint, TrendAggregator } from './trend-aggregator';

const IDS = ['o2_1', 'ln2_level'];
const T0 = Date.UTC(2026, 0, 1);
const sample = (t: number, o2: number | null, level = 50, valve = 0): TrendSample => ({
  t,
  values: { o2_1: o2, ln2_level: level },
  valveOutput: valve,
});

describe('TrendAggregator', () => {
  it('sums one period up as min, max and last per channel and the valve', () => {
    const agg = new TrendAggregator(IDS, 10_000);
    expect(agg.push(sample(T0, 20.9))).toBeNull();
    expect(agg.push(sample(T0 + 500, 17.5, 51, 100))).toBeNull(); // a 500 ms dip and fill
    expect(agg.push(sample(T0 + 9_500, 20.8, 52))).toBeNull();
    const point = agg.push(sample(T0 + 10_000, 20.9));
    expect(point).toEqual({
      t: T0 + 9_500,
      c: { o2_1: [17.5, 20.9, 20.8], ln2_level: [50, 52, 52] },
      v: [100, 0],
    });
    // The sample that closed the period starts the next one.
    expect(agg.take()).toEqual({
      t: T0 + 10_000,
      c: { o2_1: [20.9, 20.9, 20.9], ln2_level: [50, 50, 50] },
      v: [0, 0],
    });
    expect(agg.take()).toBeNull();
  });

  it('keeps a channel with no usable value as null and rounds to 5 digits', () => {
    const agg = new TrendAggregator(IDS, 1000);
    agg.push({ t: T0, values: { o2_1: null, ln2_level: 33.333333333 }, valveOutput: Number.NaN });
    agg.push({ t: T0 + 1, values: { o2_1: Number.NaN }, valveOutput: 0 });
    expect(agg.take()).toEqual({
      t: T0 + 1,
      c: { o2_1: null, ln2_level: [33.333, 33.333, 33.333] },
      v: [0, 0],
    });
  });

  it('closes the period when the clock steps back, and ignores a non-finite time', () => {
    const agg = new TrendAggregator(IDS, 10_000);
    agg.push(sample(T0 + 20_000, 20.9));
    expect(agg.push(sample(Number.NaN, 1))).toBeNull();
    expect(agg.push(sample(T0 + 5_000, 20.5))?.t).toBe(T0 + 20_000);
    expect(() => new TrendAggregator(IDS, 0)).toThrow(RangeError);
  });
});

describe('samplesOfPoint', () => {
  it('gives one sample for a flat period', () => {
    const samples = samplesOfPoint(
      { t: T0, c: { o2_1: [20.9, 20.9, 20.9], ln2_level: null }, v: [0, 0] },
      10_000,
    );
    expect(samples).toEqual([{ t: T0, values: { o2_1: 20.9, ln2_level: null }, valveOutput: 0 }]);
  });

  it('puts the farthest value half a period before the last, with the highest valve output', () => {
    const samples = samplesOfPoint(
      { t: T0, c: { o2_1: [17.5, 20.9, 20.8], ln2_level: [50, 60, 51] }, v: [100, 0] },
      10_000,
    );
    expect(samples).toEqual([
      { t: T0 - 5_000, values: { o2_1: 17.5, ln2_level: 60 }, valveOutput: 100 },
      { t: T0, values: { o2_1: 20.8, ln2_level: 51 }, valveOutput: 0 },
    ]);
  });
});
